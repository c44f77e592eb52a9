import { decideTransfer, loadTransfer } from '../../services/transfers';
import { AppError } from '@/lib/errors';
import { walletProcedure } from '../../trpc';
import { TransferIdIn, TransferOut } from './schemas';

/** 1-of-1 approval by any wallet approver until the policy engine (issue 5) decides quorums. */
export const approve = walletProcedure('approver')
  .input(TransferIdIn)
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => (await decideTransfer(ctx.db, ctx.session, await loadTransfer(ctx.db, ctx.wallet, input.transferId), 'approve')) as never);

export const reject = walletProcedure('approver')
  .input(TransferIdIn)
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => (await decideTransfer(ctx.db, ctx.session, await loadTransfer(ctx.db, ctx.wallet, input.transferId), 'reject')) as never);

/** The initiator withdraws their own request (approvers reject instead). */
export const cancel = walletProcedure('approver', 'initiator')
  .input(TransferIdIn)
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => {
    const transfer = await loadTransfer(ctx.db, ctx.wallet, input.transferId);
    if (transfer.initiatorId !== ctx.session.userId) throw new AppError('FORBIDDEN_ROLE', 'only the initiator cancels');
    return (await decideTransfer(ctx.db, ctx.session, transfer, 'cancel')) as never;
  });
