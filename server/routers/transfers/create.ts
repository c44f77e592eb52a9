import { z } from 'zod';
import { actorOf, createTransfer } from '../../services/transfers';
import { walletProcedure } from '../../trpc';
import { TransferOut, transferView } from './schemas';

export const create = walletProcedure('approver', 'initiator')
  .input(
    z.object({
      outputs: z.array(z.object({ address: z.string().trim().min(1).max(100), amount: z.string().trim().max(30) })).min(1).max(50),
      feeRateSatVb: z.number().min(0.1).max(10_000).optional(),
      sendMax: z.boolean().optional(),
    }),
  )
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => transferView(await createTransfer(ctx.db, await ctx.getChain(), ctx.config, actorOf(ctx.session), ctx.wallet, input)));
