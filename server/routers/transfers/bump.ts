import { z } from 'zod';
import { actorOf, bumpTransfer, loadTransfer } from '../../services/transfers';
import { walletProcedure } from '../../trpc';
import { TransferIdIn, TransferOut, transferView } from './schemas';

/** Replace-by-fee for a stuck transfer: a new request, approved and signed like any other. */
export const bump = walletProcedure('approver', 'initiator')
  .input(TransferIdIn.extend({ feeRateSatVb: z.number().min(1).max(10_000) }))
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => {
    const original = await loadTransfer(ctx.db, ctx.wallet, input.transferId);
    return transferView(await bumpTransfer(ctx.db, await ctx.getChain(), ctx.config, actorOf(ctx.session), ctx.wallet, original, input.feeRateSatVb));
  });
