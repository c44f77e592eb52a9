/**
 * Organisation membership management. Every change is serialised on the organisation row (the
 * audit append locks it first), so two admins demoting each other at once cannot leave the
 * organisation without an admin.
 */
import { and, asc, count, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { memberships, organizations, passkeys, users } from '@/db/schema';
import { AppError } from '@/lib/errors';
import type { OrgRole } from '@/lib/roles';
import { appendAudit } from './audit';
import { revokeUserSessions, type SessionInfo } from './sessions';

export async function listMembers(db: Db, orgId: string) {
  const activePasskeys = db
    .select({ userId: passkeys.userId, n: count().as('n') })
    .from(passkeys)
    .where(isNull(passkeys.revokedAt))
    .groupBy(passkeys.userId)
    .as('pk');
  const rows = await db
    .select({
      userId: users.id,
      email: users.email,
      displayName: users.displayName,
      role: memberships.role,
      status: memberships.status,
      joinedAt: memberships.createdAt,
      passkeyCount: activePasskeys.n,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(activePasskeys, eq(activePasskeys.userId, users.id))
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(memberships.createdAt));
  return rows.map((r) => ({ ...r, passkeyCount: Number(r.passkeyCount ?? 0) }));
}

async function lockOrg(tx: Tx, orgId: string) {
  await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId)).for('update');
}

async function targetMembership(tx: Tx, orgId: string, userId: string) {
  const [row] = await tx
    .select({ membership: memberships, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
  // Another organisation's user is indistinguishable from a missing one.
  if (!row) throw new AppError('NOT_FOUND', `user ${userId} not in org ${orgId}`);
  return { ...row.membership, email: row.email };
}

async function activeAdminCount(tx: Tx, orgId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, 'admin'), eq(memberships.status, 'active')));
  return Number(row?.n ?? 0);
}

export async function changeRole(db: Db, actor: SessionInfo, input: { userId: string; role: OrgRole }) {
  return db.transaction(async (tx) => {
    await lockOrg(tx, actor.orgId);
    const target = await targetMembership(tx, actor.orgId, input.userId);
    if (target.role === input.role) return { changed: false };
    const losesAdmin = target.role === 'admin' && target.status === 'active';
    if (losesAdmin && (await activeAdminCount(tx, actor.orgId)) <= 1) throw new AppError('LAST_ADMIN');
    await tx.update(memberships).set({ role: input.role, updatedAt: new Date() }).where(eq(memberships.id, target.id));
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'member.role_changed', payload: { userId: input.userId, email: target.email, from: target.role, to: input.role } });
    return { changed: true };
  });
}

export async function setMemberStatus(db: Db, actor: SessionInfo, input: { userId: string; active: boolean }) {
  if (input.userId === actor.userId) throw new AppError('CANNOT_TARGET_SELF');
  return db.transaction(async (tx) => {
    await lockOrg(tx, actor.orgId);
    const target = await targetMembership(tx, actor.orgId, input.userId);
    const status = input.active ? 'active' : 'deactivated';
    if (target.status === status) return { changed: false };
    if (!input.active && target.role === 'admin' && (await activeAdminCount(tx, actor.orgId)) <= 1) throw new AppError('LAST_ADMIN');
    await tx.update(memberships).set({ status, updatedAt: new Date() }).where(eq(memberships.id, target.id));
    const sessionsRevoked = input.active ? 0 : await revokeUserSessions(tx, input.userId);
    await appendAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      type: input.active ? 'member.reactivated' : 'member.deactivated',
      payload: input.active ? { userId: input.userId, email: target.email } : { userId: input.userId, email: target.email, sessionsRevoked },
    });
    return { changed: true };
  });
}
