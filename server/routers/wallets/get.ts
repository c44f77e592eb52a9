import { z } from 'zod';
import { WALLET_ROLES } from '@/lib/roles';
import { WALLET_STATUSES } from '@/lib/wallet-constants';
import { walletDetails } from '../../services/wallets';
import { apiWalletProcedure } from '../../trpc';
import { IsoDate } from '../schemas';

export const get = apiWalletProcedure({ scope: 'wallets:read', summary: 'One wallet: network, status, descriptor, key origins and the caller’s role.' }, ...WALLET_ROLES)
  .output(
    z.object({
      id: z.uuid(),
      name: z.string(),
      chain: z.enum(['bitcoin', 'ethereum']),
      network: z.enum(['mainnet', 'testnet', 'regtest']),
      status: z.enum(WALLET_STATUSES),
      threshold: z.number().int(),
      descriptor: z.string().nullable(),
      createdAt: IsoDate,
      keycardConfirmedAt: IsoDate.nullable(),
      myRole: z.enum(WALLET_ROLES),
      keys: z.array(z.object({ role: z.enum(['user', 'backup', 'cosigner']), fingerprint: z.string(), path: z.string(), xpub: z.string() })),
    }),
  )
  .query(async ({ ctx }) => {
    const { keycardCodeHash: _hash, ...details } = await walletDetails(ctx.db, ctx.wallet);
    return { ...details, network: details.network as 'mainnet' | 'testnet' | 'regtest', myRole: ctx.walletRole };
  });
