import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { walletApiKeys, walletMembers, wallets } from '@/db/schema';
import { WalletRoleSchema } from '@/lib/schemas';
import { apiAuthedProcedure } from '../../trpc';
import { IsoDate } from '../schemas';
import { WALLET_STATUSES } from '@/lib/wallet-constants';

/** Wallets the caller (a person, or an API key) has been granted a role on; nobody sees a wallet by default. */
export const list = apiAuthedProcedure({ scope: 'wallets:read', summary: 'Wallets the caller has a role on, with that role.' })
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
  .query(({ ctx }) => {
    const { principal, orgId } = ctx.actor;
    const columns = { id: wallets.id, name: wallets.name, chain: wallets.chain, network: wallets.network, status: wallets.status, createdAt: wallets.createdAt };
    if (principal.kind === 'api_key') {
      return ctx.db
        .select({ ...columns, myRole: walletApiKeys.role })
        .from(walletApiKeys)
        .innerJoin(wallets, eq(wallets.id, walletApiKeys.walletId))
        .where(and(eq(walletApiKeys.apiKeyId, principal.id), eq(wallets.orgId, orgId)))
        .orderBy(asc(wallets.createdAt));
    }
    return ctx.db
      .select({ ...columns, myRole: walletMembers.role })
      .from(walletMembers)
      .innerJoin(wallets, eq(wallets.id, walletMembers.walletId))
      .where(and(eq(walletMembers.userId, principal.id), eq(wallets.orgId, orgId)))
      .orderBy(asc(wallets.createdAt));
  });
