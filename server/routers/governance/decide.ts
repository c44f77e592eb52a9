import { z } from 'zod';
import { AuthenticationResponseSchema } from '@/lib/webauthn-schemas';
import { approvalCeremony } from '../../services/approvals';
import { cancelGovernance, decideGovernance, governanceApprovalRequest, loadGovernance } from '../../services/governance';
import { actorOf } from '../../services/transfers';
import { walletProcedure } from '../../trpc';
import { GovernanceOut, RequestIdIn, governanceView } from './schemas';

const Decision = z.enum(['approve', 'reject']);

/** The challenge is the digest of the change and the decision (lib/approvals), as for transfers. */
export const approvalOptions = walletProcedure('approver', 'initiator', 'viewer')
  .input(RequestIdIn.extend({ decision: Decision }))
  .output(z.object({ digest: z.string(), request: z.record(z.string(), z.unknown()), options: z.record(z.string(), z.unknown()) }))
  .query(async ({ ctx, input }) => {
    const r = await loadGovernance(ctx.db, ctx.wallet, input.requestId);
    const request = governanceApprovalRequest(r, ctx.wallet);
    return { ...(await approvalCeremony(ctx.db, ctx.config, ctx.session.userId, request, input.decision)), request: { ...request, outputs: [], feeCap: '0' } };
  });

const DecideIn = RequestIdIn.extend({ passkey: AuthenticationResponseSchema });

export const approve = walletProcedure('approver', 'initiator', 'viewer')
  .input(DecideIn)
  .output(GovernanceOut)
  .mutation(async ({ ctx, input }) =>
    governanceView(await decideGovernance(ctx.db, ctx.config, actorOf(ctx.session), ctx.wallet, await loadGovernance(ctx.db, ctx.wallet, input.requestId), 'approve', { kind: 'passkey', response: input.passkey })),
  );

export const reject = walletProcedure('approver', 'initiator', 'viewer')
  .input(DecideIn)
  .output(GovernanceOut)
  .mutation(async ({ ctx, input }) =>
    governanceView(await decideGovernance(ctx.db, ctx.config, actorOf(ctx.session), ctx.wallet, await loadGovernance(ctx.db, ctx.wallet, input.requestId), 'reject', { kind: 'passkey', response: input.passkey })),
  );

export const cancel = walletProcedure('approver', 'initiator')
  .input(RequestIdIn)
  .output(GovernanceOut)
  .mutation(async ({ ctx, input }) => governanceView(await cancelGovernance(ctx.db, { ...actorOf(ctx.session), userId: ctx.session.userId }, await loadGovernance(ctx.db, ctx.wallet, input.requestId))));
