import { decideTransfer, loadTransfer } from '../../services/transfers';
import { AppError } from '@/lib/errors';
import { walletProcedure } from '../../trpc';
import { TransferIdIn, TransferOut, transferView } from './schemas';

/** 1-of-1 approval by any wallet approver until the policy engine (issue 5) decides quorums. */
export const approve = walletProcedure('approver')
  .input(TransferIdIn)
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => transferView(await decideTransfer(ctx.db, ctx.session, await loadTransfer(ctx.db, ctx.wallet, input.transferId), 'approve')));

export const reject = walletProcedure('approver')
  .input(TransferIdIn)
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => transferView(await decideTransfer(ctx.db, ctx.session, await loadTransfer(ctx.db, ctx.wallet, input.transferId), 'reject')));

/** The initiator withdraws their own request (approvers reject instead). */
export const cancel = walletProcedure('approver', 'initiator')
  .input(TransferIdIn)
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => {
    const transfer = await loadTransfer(ctx.db, ctx.wallet, input.transferId);
    if (transfer.initiatorId !== ctx.session.userId) throw new AppError('FORBIDDEN_ROLE', 'only the initiator cancels');
    return transferView(await decideTransfer(ctx.db, ctx.session, transfer, 'cancel'));
  });
