import { z } from 'zod';
import { createTransfer } from '../../services/transfers';
import { apiWalletProcedure } from '../../trpc';
import { TransferOut, transferView } from './schemas';

/** The caller (a person, or an API key) is the initiator; the wallet's policy decides what follows. */
export const create = apiWalletProcedure({ scope: 'transfers:create', summary: 'Propose a transfer; the server builds it from the wallet’s coins and applies the wallet’s policy.' }, 'approver', 'initiator')
  .input(
    z.object({
      outputs: z
        .array(z.object({ address: z.string().trim().min(1).max(100), amount: z.string().trim().max(30).describe('Amount in BTC as a decimal string, e.g. "0.125" (at most 8 decimals).') }))
        .min(1)
        .max(50),
      feeRateSatVb: z.number().min(0.1).max(10_000).optional().describe('Fee rate in sat/vB; default: the node’s estimate for 3 blocks.'),
      sendMax: z.boolean().optional().describe('Send the whole spendable balance to the single output (its amount is ignored).'),
      draft: z.boolean().optional().describe('Save as a draft (coins reserved, policy checked) and submit it for approval later with transfers.submit.'),
    }),
  )
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => transferView(await createTransfer(ctx.db, await ctx.getChain(), ctx.config, ctx.actor, ctx.wallet, input)));
