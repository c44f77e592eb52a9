import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { syncWallet } from '../../services/wallet-sync';
import { walletProcedure } from '../../trpc';

/** "Refresh now": the background job does the same every few seconds. */
export const sync = walletProcedure('approver', 'initiator', 'viewer')
  .output(z.object({ tipHeight: z.number().int(), utxos: z.number().int(), transactions: z.number().int() }))
  .mutation(async ({ ctx }) => {
    if (ctx.wallet.status !== 'active') throw new AppError('WALLET_STATE', 'only active wallets sync');
    try {
      return await syncWallet(ctx.db, await ctx.getChain(), ctx.wallet);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('CHAIN_UNAVAILABLE', (error as Error).message, { cause: error });
    }
  });
