/**
 * Invitations: single-use, expiring links. The link carries a random token; the database keeps
 * only its hash. Two kinds: `join` creates a new member; `reenrol` gives an existing member who
 * lost every passkey a new one, revoking the old passkeys and sessions (audited).
 */
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { invites, memberships, organizations, passkeys, users } from '@/db/schema';
import { AppError } from '@/lib/errors';
import type { OrgRole } from '@/lib/roles';
import type { RegistrationResponse } from '@/lib/webauthn-schemas';
import type { AppConfig } from '../config';
import { hashToken, randomToken } from '../auth/tokens';
import { rethrowConflict } from '../db-errors';
import { emailTaken, insertPasskey, type NewSession } from './accounts';
import { appendAudit } from './audit';
import { createSession, revokeUserSessions, type SessionInfo } from './sessions';
import { consumeChallenge, issueChallenge, newWebauthnUserId, registrationOptions, verifyRegistration } from './webauthn';

type Invite = typeof invites.$inferSelect;

export function inviteUrl(config: AppConfig, token: string): string {
  // The token rides in the fragment: browsers never send it to servers or in Referer headers.
  return `${config.APP_ORIGIN}/invite#${token}`;
}

export async function createInvite(db: Db, config: AppConfig, actor: SessionInfo, input: { email: string; role: OrgRole }) {
  if (await emailTaken(db, input.email)) throw new AppError('EMAIL_TAKEN');
  const token = randomToken();
  const expiresAt = new Date(Date.now() + config.INVITE_TTL_HOURS * 3_600_000);
  const invite = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(invites)
      .values({ orgId: actor.orgId, kind: 'join', email: input.email, role: input.role, tokenHash: hashToken(token), createdBy: actor.userId, expiresAt })
      .returning();
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'invite.created', payload: { inviteId: row!.id, email: input.email, role: input.role, expiresAt: expiresAt.toISOString() } });
    return row!;
  });
  return { inviteId: invite.id, url: inviteUrl(config, token), expiresAt };
}

export async function createReenrolInvite(db: Db, config: AppConfig, actor: SessionInfo, input: { userId: string }) {
  const [target] = await db
    .select({ user: users, membership: memberships })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(and(eq(users.id, input.userId), eq(memberships.orgId, actor.orgId)))
    .limit(1);
  if (!target) throw new AppError('NOT_FOUND', `user ${input.userId} not in org ${actor.orgId}`);
  if (target.user.id === actor.userId) throw new AppError('CANNOT_TARGET_SELF');
  const token = randomToken();
  const expiresAt = new Date(Date.now() + config.INVITE_TTL_HOURS * 3_600_000);
  const invite = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(invites)
      .values({
        orgId: actor.orgId,
        kind: 'reenrol',
        email: target.user.email,
        role: target.membership.role,
        targetUserId: target.user.id,
        tokenHash: hashToken(token),
        createdBy: actor.userId,
        expiresAt,
      })
      .returning();
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'member.reenrol_invited', payload: { inviteId: row!.id, userId: target.user.id, email: target.user.email, expiresAt: expiresAt.toISOString() } });
    return row!;
  });
  return { inviteId: invite.id, url: inviteUrl(config, token), expiresAt };
}

export async function listPendingInvites(db: Db, orgId: string, now = new Date()) {
  return db
    .select({ id: invites.id, kind: invites.kind, email: invites.email, role: invites.role, createdAt: invites.createdAt, expiresAt: invites.expiresAt, createdByName: users.displayName })
    .from(invites)
    .innerJoin(users, eq(users.id, invites.createdBy))
    .where(and(eq(invites.orgId, orgId), isNull(invites.usedAt), isNull(invites.revokedAt), gt(invites.expiresAt, now)))
    .orderBy(desc(invites.createdAt));
}

export async function revokeInvite(db: Db, actor: SessionInfo, inviteId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(invites)
      .set({ revokedAt: new Date() })
      .where(and(eq(invites.id, inviteId), eq(invites.orgId, actor.orgId), isNull(invites.usedAt), isNull(invites.revokedAt)))
      .returning({ id: invites.id });
    if (!row) throw new AppError('NOT_FOUND', `no pending invite ${inviteId} in org ${actor.orgId}`);
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'invite.revoked', payload: { inviteId } });
  });
}

/** Specific reasons, checked in the order a person can act on them. */
function assertUsable(invite: Invite | undefined, now: Date): asserts invite is Invite {
  if (!invite) throw new AppError('INVITE_NOT_FOUND');
  if (invite.revokedAt) throw new AppError('INVITE_REVOKED');
  if (invite.usedAt) throw new AppError('INVITE_USED');
  if (invite.expiresAt <= now) throw new AppError('INVITE_EXPIRED');
}

async function findInvite(db: Db, token: string) {
  const [row] = await db
    .select({ invite: invites, orgName: organizations.name })
    .from(invites)
    .innerJoin(organizations, eq(organizations.id, invites.orgId))
    .where(eq(invites.tokenHash, hashToken(token)))
    .limit(1);
  return row;
}

export async function lookupInvite(db: Db, token: string, now = new Date()) {
  const found = await findInvite(db, token);
  assertUsable(found?.invite, now);
  const { invite } = found!;
  let displayName: string | null = null;
  if (invite.targetUserId) {
    const [u] = await db.select({ displayName: users.displayName }).from(users).where(eq(users.id, invite.targetUserId));
    displayName = u?.displayName ?? null;
  }
  return { orgName: found!.orgName, email: invite.email, role: invite.role, kind: invite.kind, expiresAt: invite.expiresAt, displayName };
}

export async function startAcceptInvite(db: Db, config: AppConfig, input: { token: string; displayName: string }, now = new Date()) {
  const found = await findInvite(db, input.token);
  assertUsable(found?.invite, now);
  const { invite } = found!;
  let user: { webauthnUserId: string; email: string; displayName: string };
  if (invite.kind === 'reenrol') {
    const [target] = await db.select().from(users).where(eq(users.id, invite.targetUserId!));
    if (!target) throw new AppError('INVITE_NOT_FOUND', 're-enrolment target vanished');
    user = target;
  } else {
    if (await emailTaken(db, invite.email)) throw new AppError('EMAIL_TAKEN');
    user = { webauthnUserId: newWebauthnUserId(), email: invite.email, displayName: input.displayName };
  }
  const options = await registrationOptions(config, user);
  const ceremonyId = await issueChallenge(db, {
    purpose: 'accept_invite',
    challenge: options.challenge,
    context: { inviteId: invite.id, tokenHash: invite.tokenHash, displayName: user.displayName, webauthnUserId: user.webauthnUserId },
  });
  return { ceremonyId, options };
}

interface AcceptContext {
  inviteId: string;
  tokenHash: string;
  displayName: string;
  webauthnUserId: string;
}

export async function finishAcceptInvite(
  db: Db,
  config: AppConfig,
  input: { token: string; ceremonyId: string; response: RegistrationResponse; passkeyName: string; userAgent: string | null },
): Promise<NewSession> {
  const challenge = await consumeChallenge(db, input.ceremonyId, 'accept_invite');
  const ctx = challenge.context as AcceptContext;
  // The ceremony must belong to the invite whose token the caller holds.
  if (ctx.tokenHash !== hashToken(input.token)) throw new AppError('INVITE_NOT_FOUND', 'ceremony/invite mismatch');
  const passkey = await verifyRegistration(config, input.response, challenge.challenge);
  const now = new Date();
  try {
    return await db.transaction(async (tx) => {
      // Claim the invite atomically: of two concurrent accepts, exactly one gets the row.
      const [invite] = await tx
        .update(invites)
        .set({ usedAt: now })
        .where(and(eq(invites.id, ctx.inviteId), isNull(invites.usedAt), isNull(invites.revokedAt), gt(invites.expiresAt, now)))
        .returning();
      if (!invite) {
        const [current] = await tx.select().from(invites).where(eq(invites.id, ctx.inviteId));
        assertUsable(current, now);
        throw new AppError('INVITE_USED', 'invite claimed concurrently');
      }
      const userId = invite.kind === 'reenrol' ? await reenrol(tx, invite) : await join(tx, invite, ctx);
      await tx.update(invites).set({ acceptedUserId: userId }).where(eq(invites.id, invite.id));
      const passkeyId = await insertPasskey(tx, userId, passkey, input.passkeyName);
      const session = await createSession(tx, { userId, passkeyId, userAgent: input.userAgent, ttlHours: config.SESSION_TTL_HOURS });
      const actor = { orgId: invite.orgId, actorUserId: userId };
      await appendAudit(tx, { ...actor, type: 'passkey.added', payload: { passkeyId, deviceType: passkey.deviceType } });
      await appendAudit(tx, { ...actor, type: 'session.signed_in', payload: { sessionId: session.sessionId, passkeyId } });
      return { token: session.token, expiresAt: session.expiresAt };
    });
  } catch (error) {
    rethrowConflict(error);
  }
}



async function join(tx: Tx, invite: Invite, ctx: AcceptContext): Promise<string> {
  const [user] = await tx.insert(users).values({ email: invite.email, displayName: ctx.displayName, webauthnUserId: ctx.webauthnUserId }).returning();
  await tx.insert(memberships).values({ orgId: invite.orgId, userId: user!.id, role: invite.role });
  await appendAudit(tx, { orgId: invite.orgId, actorUserId: user!.id, type: 'member.joined', payload: { userId: user!.id, email: invite.email, role: invite.role, via: 'invite', inviteId: invite.id } });
  return user!.id;
}

async function reenrol(tx: Tx, invite: Invite): Promise<string> {
  const userId = invite.targetUserId!;
  const now = new Date();
  const revoked = await tx
    .update(passkeys)
    .set({ revokedAt: now })
    .where(and(eq(passkeys.userId, userId), isNull(passkeys.revokedAt)))
    .returning({ id: passkeys.id });
  const sessionsRevoked = await revokeUserSessions(tx, userId, now);
  await appendAudit(tx, {
    orgId: invite.orgId,
    actorUserId: userId,
    type: 'member.reenrolled',
    payload: { userId, inviteId: invite.id, invitedBy: invite.createdBy, passkeysRevoked: revoked.length, sessionsRevoked },
  });
  return userId;
}

