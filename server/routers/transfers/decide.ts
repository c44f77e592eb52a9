import { z } from 'zod';
import { AuthenticationResponseSchema } from '@/lib/webauthn-schemas';
import { approvalCeremony } from '../../services/approvals';
import { actorOf, cancelTransfer, decideTransfer, loadTransfer, transferApprovalRequest } from '../../services/transfers';
import { walletProcedure } from '../../trpc';
import { TransferIdIn, TransferOut, transferView } from './schemas';

const Decision = z.enum(['approve', 'reject']);

/**
 * WebAuthn options for deciding on a transfer: the challenge is the digest of the exact request
 * and the decision. The browser recomputes the digest from what it shows before it signs.
 * Eligibility is the frozen quorum's business (a quorum may name a viewer), checked on decide.
 */
export const approvalOptions = walletProcedure('approver', 'initiator', 'viewer')
  .input(TransferIdIn.extend({ decision: Decision }))
  .output(z.object({ digest: z.string(), request: z.record(z.string(), z.unknown()), options: z.record(z.string(), z.unknown()) }))
  .query(async ({ ctx, input }) => {
    const transfer = await loadTransfer(ctx.db, ctx.wallet, input.transferId);
    const request = transferApprovalRequest(transfer, ctx.wallet);
    const ceremony = await approvalCeremony(ctx.db, ctx.config, ctx.session.userId, request, input.decision);
    return { ...ceremony, request: { ...request, outputs: request.outputs.map((o) => ({ ...o, amount: String(o.amount) })), feeCap: String(request.feeCap) } };
  });

const DecideIn = TransferIdIn.extend({ passkey: AuthenticationResponseSchema });

export const approve = walletProcedure('approver', 'initiator', 'viewer')
  .input(DecideIn)
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => {
    const transfer = await loadTransfer(ctx.db, ctx.wallet, input.transferId);
    return transferView(await decideTransfer(ctx.db, ctx.config, actorOf(ctx.session), ctx.wallet, transfer, 'approve', { kind: 'passkey', response: input.passkey }));
  });

export const reject = walletProcedure('approver', 'initiator', 'viewer')
  .input(DecideIn)
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => {
    const transfer = await loadTransfer(ctx.db, ctx.wallet, input.transferId);
    return transferView(await decideTransfer(ctx.db, ctx.config, actorOf(ctx.session), ctx.wallet, transfer, 'reject', { kind: 'passkey', response: input.passkey }));
  });

/** The initiator withdraws their own request (approvers reject instead). */
export const cancel = walletProcedure('approver', 'initiator')
  .input(TransferIdIn)
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => transferView(await cancelTransfer(ctx.db, actorOf(ctx.session), await loadTransfer(ctx.db, ctx.wallet, input.transferId))));
