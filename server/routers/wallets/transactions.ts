import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { walletSyncState, walletTransactions } from '@/db/schema';
import { WALLET_ROLES } from '@/lib/roles';
import { apiWalletProcedure } from '../../trpc';
import { IsoDate } from '../schemas';

export const transactions = apiWalletProcedure({ scope: 'wallets:read', summary: 'Recent on-chain transactions of the wallet, mempool first.' }, ...WALLET_ROLES)
  .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
  .output(
    z.array(
      z.object({
        txid: z.string(),
        direction: z.enum(['incoming', 'outgoing', 'self']),
        netSats: z.string(),
        feeSats: z.string().nullable(),
        height: z.number().int().nullable(),
        confirmations: z.number().int(),
        firstSeenAt: IsoDate,
      }),
    ),
  )
  .query(async ({ ctx, input }) => {
    const [state] = await ctx.db.select().from(walletSyncState).where(eq(walletSyncState.walletId, ctx.wallet.id));
    const tip = state?.tipHeight ?? 0;
    const rows = await ctx.db
      .select()
      .from(walletTransactions)
      .where(eq(walletTransactions.walletId, ctx.wallet.id))
      .orderBy(desc(walletTransactions.firstSeenAt))
      .limit(input.limit);
    // Mempool first, then newest block first.
    rows.sort((a, b) => (b.height ?? Number.MAX_SAFE_INTEGER) - (a.height ?? Number.MAX_SAFE_INTEGER));
    return rows.map((r) => ({
      txid: r.txid,
      direction: r.direction,
      netSats: r.netSats.toString(),
      feeSats: r.feeSats?.toString() ?? null,
      height: r.height,
      confirmations: r.height === null ? 0 : Math.max(0, tip - r.height + 1),
      firstSeenAt: r.firstSeenAt,
    }));
  });
