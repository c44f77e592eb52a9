import { and, count, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { invites, memberships, walletMembers, wallets } from '@/db/schema';
import { OrgRoleSchema } from '@/lib/schemas';
import { authedProcedure } from '../../trpc';

export const overview = authedProcedure
  .input(z.object({}).optional())
  .output(
    z.object({
      orgName: z.string(),
      role: OrgRoleSchema,
      activeMembers: z.number().int(),
      pendingInvites: z.number().int(),
      myWallets: z.number().int(),
    }),
  )
  .query(async ({ ctx }) => {
    const { db, session } = ctx;
    const [[members], [pending], [mine]] = await Promise.all([
      db.select({ n: count() }).from(memberships).where(and(eq(memberships.orgId, session.orgId), eq(memberships.status, 'active'))),
      db.select({ n: count() }).from(invites).where(and(eq(invites.orgId, session.orgId), isNull(invites.usedAt), isNull(invites.revokedAt), gt(invites.expiresAt, new Date()))),
      db.select({ n: count() }).from(walletMembers).innerJoin(wallets, eq(wallets.id, walletMembers.walletId)).where(and(eq(walletMembers.userId, session.userId), eq(wallets.orgId, session.orgId))),
    ]);
    return {
      orgName: session.orgName,
      role: session.role,
      activeMembers: Number(members?.n ?? 0),
      pendingInvites: Number(pending?.n ?? 0),
      myWallets: Number(mine?.n ?? 0),
    };
  });
