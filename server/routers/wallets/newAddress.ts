import { z } from 'zod';
import { issueReceiveAddress } from '../../services/wallets';
import { walletProcedure } from '../../trpc';

export const newAddress = walletProcedure('approver', 'initiator')
  .output(z.object({ index: z.number().int(), address: z.string() }))
  .mutation(({ ctx }) => issueReceiveAddress(ctx.db, ctx.session, ctx.wallet));
