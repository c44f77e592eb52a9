import { z } from 'zod';
import { verifyOrgAudit } from '../../services/audit';
import { orgProcedure } from '../../trpc';

/** Recomputes every hash and link of the organisation's chain on the server. */
export const verify = orgProcedure('admin', 'auditor')
  .input(z.object({}).optional())
  .output(
    z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), checked: z.number().int(), headHash: z.string() }),
      z.object({ ok: z.literal(false), checked: z.number().int(), failedSeq: z.number().int(), reason: z.enum(['hash_mismatch', 'broken_link', 'sequence_gap']) }),
    ]),
  )
  .query(({ ctx }) => verifyOrgAudit(ctx.db, ctx.session.orgId));
