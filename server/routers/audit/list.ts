import { z } from 'zod';
import { listAudit } from '../../services/audit';
import { orgProcedure } from '../../trpc';
import { AuditEntryOut } from './schemas';

export const list = orgProcedure('admin', 'auditor')
  // `cursor` is the seq to page back from (newest first); TanStack's infinite query fills it in.
  .input(z.object({ limit: z.number().int().min(1).max(200).default(50), cursor: z.number().int().min(1).nullish() }).default({ limit: 50 }))
  .output(z.object({ entries: z.array(AuditEntryOut.extend({ actorName: z.string().nullable() })), nextBeforeSeq: z.number().int().nullable() }))
  .query(async ({ ctx, input }) => {
    const entries = await listAudit(ctx.db, ctx.session.orgId, { limit: input.limit, beforeSeq: input.cursor ?? undefined });
    const last = entries.at(-1);
    return { entries, nextBeforeSeq: entries.length === input.limit && last && last.seq > 1 ? last.seq : null };
  });
