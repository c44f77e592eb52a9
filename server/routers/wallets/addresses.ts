import { z } from 'zod';
import { WALLET_ROLES } from '@/lib/roles';
import { receiveAddresses } from '../../services/wallets';
import { apiWalletProcedure } from '../../trpc';
import { IsoDate } from '../schemas';

export const addresses = apiWalletProcedure({ scope: 'wallets:read', summary: 'Receive addresses issued so far (oldest first).' }, ...WALLET_ROLES)
  .output(z.array(z.object({ index: z.number().int(), address: z.string(), createdAt: IsoDate })))
  .query(({ ctx }) => receiveAddresses(ctx.db, ctx.wallet.id));
