import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { walletMembers, wallets } from '@/db/schema';
import { WalletRoleSchema } from '@/lib/schemas';
import { authedProcedure } from '../../trpc';
import { IsoDate } from '../schemas';
import { WALLET_STATUSES } from '@/lib/wallet-constants';

/** Wallets the caller has been granted a role on; nobody sees a wallet by default. */
export const list = authedProcedure
  .input(z.object({}).optional())
  .output(
    z.array(
      z.object({
        id: z.uuid(),
        name: z.string(),
        chain: z.enum(['bitcoin', 'ethereum']),
        network: z.string(),
        status: z.enum(WALLET_STATUSES),
        myRole: WalletRoleSchema,
        createdAt: IsoDate,
      }),
    ),
  )
  .query(({ ctx }) =>
    ctx.db
      .select({ id: wallets.id, name: wallets.name, chain: wallets.chain, network: wallets.network, status: wallets.status, myRole: walletMembers.role, createdAt: wallets.createdAt })
      .from(walletMembers)
      .innerJoin(wallets, eq(wallets.id, walletMembers.walletId))
      .where(and(eq(walletMembers.userId, ctx.session.userId), eq(wallets.orgId, ctx.session.orgId)))
      .orderBy(asc(wallets.createdAt)),
  );
