import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { governanceRequests, transferRequests, wallets } from '@/db/schema';
import { APPROVAL_BUNDLE_FORMAT, normalizeApprovalRequest, type ApprovalRequestInput } from '@/lib/approvals';
import { AppError } from '@/lib/errors';
import { decisionsFor, exportProof, type QuorumSnapshot } from '../../services/approvals';
import { governanceApprovalRequest } from '../../services/governance';
import { transferApprovalRequest } from '../../services/transfers';
import { orgProcedure } from '../../trpc';
import { principalName } from '../../policy';

/**
 * Every signed decision on one request, as a bundle an auditor re-verifies offline with
 * `npx tsx scripts/verify-approvals.ts bundle.json` (docs/approval-proofs.md), without trusting us.
 */
export const approvalProofs = orgProcedure('admin', 'auditor')
  .input(z.object({ requestKind: z.enum(['transfer', 'governance']), requestId: z.uuid() }))
  .output(z.object({ format: z.literal(APPROVAL_BUNDLE_FORMAT), request: z.record(z.string(), z.unknown()), rpId: z.string(), origins: z.array(z.string()), approvals: z.array(z.record(z.string(), z.unknown())) }))
  .query(async ({ ctx, input }) => {
    const table = input.requestKind === 'transfer' ? transferRequests : governanceRequests;
    const [row] = await ctx.db.select().from(table).where(and(eq(table.id, input.requestId), eq(table.orgId, ctx.session.orgId)));
    if (!row) throw new AppError('NOT_FOUND', `${input.requestKind} ${input.requestId} not in org ${ctx.session.orgId}`);
    const [wallet] = await ctx.db.select().from(wallets).where(eq(wallets.id, row.walletId));
    const request: ApprovalRequestInput =
      input.requestKind === 'transfer'
        ? transferApprovalRequest(row as typeof transferRequests.$inferSelect, wallet!)
        : governanceApprovalRequest(row as typeof governanceRequests.$inferSelect, wallet!);
    const names = (row.quorum as QuorumSnapshot | null)?.names ?? {};
    const approvals = (await decisionsFor(ctx.db, input.requestKind, row.id)).map((r) => exportProof(r, principalName({ kind: r.principalKind, id: r.principalId }, names)));
    return {
      format: APPROVAL_BUNDLE_FORMAT,
      request: normalizeApprovalRequest(request) as unknown as Record<string, unknown>,
      rpId: ctx.config.rpId,
      origins: [ctx.config.APP_ORIGIN],
      approvals: approvals as unknown as Record<string, unknown>[],
    };
  });
