import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { WALLET_ROLES } from '@/lib/roles';
import { walletExportTexts } from '@/lib/wallet-export';
import { originsFromKeys } from '@/lib/wallet-keys';
import { walletDetails } from '../../services/wallets';
import { walletProcedure } from '../../trpc';

/**
 * The wallet in the formats of standard tools (docs/wallet-export.md): descriptors, Bitcoin Core
 * importdescriptors JSON (rescan from the wallet's creation), Electrum watch-only file, BIP129
 * record. Public data only, for every wallet role.
 */
export const exportWallet = walletProcedure(...WALLET_ROLES)
  .output(
    z.object({
      descriptor: z.string(),
      receiveDescriptor: z.string(),
      changeDescriptor: z.string(),
      bitcoinCoreImport: z.string(),
      electrumWatchOnly: z.string(),
      bsms: z.string(),
    }),
  )
  .query(async ({ ctx }) => {
    if (ctx.wallet.status !== 'active') throw new AppError('WALLET_STATE', 'only active wallets are exported');
    const network = ctx.wallet.network as 'mainnet' | 'testnet' | 'regtest';
    const { keys } = await walletDetails(ctx.db, ctx.wallet);
    const timestamp = Math.floor(new Date(ctx.wallet.createdAt).getTime() / 1000);
    return { ...walletExportTexts(originsFromKeys(keys, network), network, { timestamp }) };
  });
