import { z } from 'zod';
import { confirmKeycard as confirm } from '../../services/wallets';
import { walletProcedure } from '../../trpc';

/** Step 3: the code printed on the key card, typed back, activates the wallet. */
export const confirmKeycard = walletProcedure('approver')
  .input(z.object({ code: z.string().trim().min(4).max(20) }))
  .output(z.object({ activated: z.boolean() }))
  .mutation(({ ctx, input }) => confirm(ctx.db, ctx.session, ctx.wallet, input.code));
