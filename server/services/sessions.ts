/** Server-side sessions: the cookie holds a random token; the database holds only its hash. */
import { and, eq, gt, isNull } from 'drizzle-orm';
import { memberships, organizations, sessions, users } from '@/db/schema';
import type { Db, DbOrTx } from '@/db/client';
import { hashToken, randomToken } from '../auth/tokens';
import type { OrgRole } from '@/lib/roles';

export interface SessionInfo {
  sessionId: string;
  userId: string;
  email: string;
  displayName: string;
  orgId: string;
  orgName: string;
  role: OrgRole;
  expiresAt: Date;
}

export async function createSession(
  tx: DbOrTx,
  input: { userId: string; passkeyId: string; userAgent: string | null; ttlHours: number },
  now = new Date(),
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + input.ttlHours * 3_600_000);
  const [row] = await tx
    .insert(sessions)
    .values({
      tokenHash: hashToken(token),
      userId: input.userId,
      passkeyId: input.passkeyId,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
      createdAt: now,
      expiresAt,
    })
    .returning({ id: sessions.id });
  return { token, sessionId: row!.id, expiresAt };
}

/** A session counts only while unexpired, unrevoked, and its member is active. */
export async function loadSession(db: Db, token: string | undefined, now = new Date()): Promise<SessionInfo | null> {
  if (!token || token.length > 100) return null;
  const [row] = await db
    .select({
      sessionId: sessions.id,
      userId: users.id,
      email: users.email,
      displayName: users.displayName,
      orgId: organizations.id,
      orgName: organizations.name,
      role: memberships.role,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(
      and(
        eq(sessions.tokenHash, hashToken(token)),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
        eq(memberships.status, 'active'),
      ),
    )
    .limit(1);
  return row ?? null;
}

export async function revokeSession(tx: DbOrTx, sessionId: string, now = new Date()): Promise<void> {
  await tx.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

export async function revokeUserSessions(tx: DbOrTx, userId: string, now = new Date()): Promise<number> {
  const rows = await tx
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length;
}
