import { z } from 'zod';
import { WALLET_ROLES } from '@/lib/roles';
import { listTransfers } from '../../services/transfers';
import { walletProcedure } from '../../trpc';
import { TransferOut, transferView } from './schemas';

export const list = walletProcedure(...WALLET_ROLES)
  .output(z.array(TransferOut))
  .query(async ({ ctx }) => (await listTransfers(ctx.db, ctx.wallet.id)).map(transferView));
