import { z } from 'zod';
import { exportAudit } from '../../services/audit';
import { orgProcedure } from '../../trpc';
import { AuditEntryOut } from './schemas';

/** The whole chain, for an auditor to re-verify offline with lib/audit/chain.ts. */
export const exportChain = orgProcedure('admin', 'auditor')
  .input(z.object({}).optional())
  .output(z.object({ format: z.literal('keystead-audit-v1'), orgId: z.uuid(), exportedAt: z.string(), entries: z.array(AuditEntryOut) }))
  .query(async ({ ctx }) => ({
    format: 'keystead-audit-v1' as const,
    orgId: ctx.session.orgId,
    exportedAt: new Date().toISOString(),
    entries: await exportAudit(ctx.db, ctx.session.orgId),
  }));
