import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { walletSyncState, walletUtxos } from '@/db/schema';
import { WALLET_ROLES } from '@/lib/roles';
import { balances } from '../../services/wallet-sync';
import { apiWalletProcedure } from '../../trpc';
import { IsoDate } from '../schemas';

/** Amounts leave the API as decimal strings of satoshis: exact, and JSON has no bigint. */
const Sats = z.bigint().transform((v) => v.toString());

export const balance = apiWalletProcedure({ scope: 'wallets:read', summary: 'Confirmed, unconfirmed and immature balance in satoshis (decimal strings).' }, ...WALLET_ROLES)
  .output(
    z.object({
      confirmedSats: Sats,
      unconfirmedSats: Sats,
      immatureSats: Sats,
      utxoCount: z.number().int(),
      tipHeight: z.number().int().nullable(),
      lastSyncedAt: IsoDate.nullable(),
      lastError: z.string().nullable(),
    }),
  )
  .query(async ({ ctx }) => {
    const [state] = await ctx.db.select().from(walletSyncState).where(eq(walletSyncState.walletId, ctx.wallet.id));
    const utxos = await ctx.db.select().from(walletUtxos).where(eq(walletUtxos.walletId, ctx.wallet.id));
    const b = balances(utxos, state?.tipHeight ?? 0);
    return {
      confirmedSats: b.confirmed,
      unconfirmedSats: b.unconfirmed,
      immatureSats: b.immature,
      utxoCount: utxos.length,
      tipHeight: state?.tipHeight ?? null,
      lastSyncedAt: state?.lastSyncedAt ?? null,
      lastError: state?.lastError ?? null,
    };
  });
