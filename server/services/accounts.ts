/**
 * Sign-up (a new organisation and its first admin), sign-in and sign-out, all with passkeys.
 * Each completion is one transaction: the rows it creates and their audit entries land together
 * or not at all.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from "@/db/client";
import { memberships, organizations, passkeys, users } from '@/db/schema';
import { AppError } from '@/lib/errors';
import type { AuthenticationResponse, RegistrationResponse } from '@/lib/webauthn-schemas';
import type { AppConfig } from '../config';
import { rethrowConflict } from '../db-errors';
import { appendAudit } from './audit';
import { createSession, revokeSession, type SessionInfo } from './sessions';
import {
  authenticationOptions,
  consumeChallenge,
  issueChallenge,
  newWebauthnUserId,
  registrationOptions,
  verifyAuthentication,
  verifyRegistration,
  type VerifiedPasskey,
} from './webauthn';

export interface NewSession {
  token: string;
  expiresAt: Date;
}

export async function emailTaken(db: Db, email: string): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`).limit(1);
  return Boolean(row);
}

export async function startSignup(db: Db, config: AppConfig, input: { orgName: string; displayName: string; email: string }) {
  if (await emailTaken(db, input.email)) throw new AppError('EMAIL_TAKEN');
  const webauthnUserId = newWebauthnUserId();
  const options = await registrationOptions(config, { webauthnUserId, email: input.email, displayName: input.displayName });
  const ceremonyId = await issueChallenge(db, {
    purpose: 'signup',
    challenge: options.challenge,
    context: { ...input, webauthnUserId },
  });
  return { ceremonyId, options };
}

interface SignupContext {
  orgName: string;
  displayName: string;
  email: string;
  webauthnUserId: string;
}

export async function finishSignup(
  db: Db,
  config: AppConfig,
  input: { ceremonyId: string; response: RegistrationResponse; passkeyName: string; userAgent: string | null },
): Promise<NewSession & { orgId: string; userId: string }> {
  const challenge = await consumeChallenge(db, input.ceremonyId, 'signup');
  const ctx = challenge.context as SignupContext;
  const passkey = await verifyRegistration(config, input.response, challenge.challenge);
  try {
    return await db.transaction(async (tx) => {
      const [org] = await tx.insert(organizations).values({ name: ctx.orgName }).returning();
      const [user] = await tx
        .insert(users)
        .values({ email: ctx.email, displayName: ctx.displayName, webauthnUserId: ctx.webauthnUserId })
        .returning();
      await tx.insert(memberships).values({ orgId: org!.id, userId: user!.id, role: 'admin' });
      const passkeyId = await insertPasskey(tx, user!.id, passkey, input.passkeyName);
      const session = await createSession(tx, { userId: user!.id, passkeyId, userAgent: input.userAgent, ttlHours: config.SESSION_TTL_HOURS });
      const actor = { orgId: org!.id, actorUserId: user!.id };
      await appendAudit(tx, { ...actor, type: 'org.created', payload: { name: ctx.orgName } });
      await appendAudit(tx, { ...actor, type: 'member.joined', payload: { userId: user!.id, email: ctx.email, role: 'admin', via: 'signup' } });
      await appendAudit(tx, { ...actor, type: 'passkey.added', payload: { passkeyId, deviceType: passkey.deviceType } });
      await appendAudit(tx, { ...actor, type: 'session.signed_in', payload: { sessionId: session.sessionId, passkeyId } });
      return { token: session.token, expiresAt: session.expiresAt, orgId: org!.id, userId: user!.id };
    });
  } catch (error) {
    rethrowConflict(error);
  }
}

export async function insertPasskey(tx: Tx, userId: string, passkey: VerifiedPasskey, name: string) {
  const [row] = await tx
    .insert(passkeys)
    .values({ userId, name, ...passkey })
    .returning({ id: passkeys.id });
  return row!.id;
}

export async function startSignin(db: Db, config: AppConfig) {
  const options = await authenticationOptions(config);
  const ceremonyId = await issueChallenge(db, { purpose: 'signin', challenge: options.challenge });
  return { ceremonyId, options };
}

export async function finishSignin(
  db: Db,
  config: AppConfig,
  input: { ceremonyId: string; response: AuthenticationResponse; userAgent: string | null },
): Promise<NewSession> {
  const challenge = await consumeChallenge(db, input.ceremonyId, 'signin');
  const [found] = await db
    .select({ passkey: passkeys, membership: memberships })
    .from(passkeys)
    .innerJoin(memberships, eq(memberships.userId, passkeys.userId))
    .where(and(eq(passkeys.credentialId, input.response.id), isNull(passkeys.revokedAt)))
    .limit(1);
  if (!found) throw new AppError('UNKNOWN_PASSKEY', `no active passkey ${input.response.id}`);
  const { passkey, membership } = found;
  const { newCounter } = await verifyAuthentication(config, input.response, challenge.challenge, passkey);
  const actor = { orgId: membership.orgId, actorUserId: passkey.userId };

  if (membership.status !== 'active') {
    // Proven possession of the passkey, but the account is closed: record the attempt.
    await db.transaction((tx) => appendAudit(tx, { ...actor, type: 'session.signin_denied', payload: { reason: 'deactivated', passkeyId: passkey.id } }));
    throw new AppError('ACCOUNT_DEACTIVATED');
  }
  return db.transaction(async (tx) => {
    await tx.update(passkeys).set({ counter: newCounter, lastUsedAt: new Date() }).where(eq(passkeys.id, passkey.id));
    const session = await createSession(tx, { userId: passkey.userId, passkeyId: passkey.id, userAgent: input.userAgent, ttlHours: config.SESSION_TTL_HOURS });
    await appendAudit(tx, { ...actor, type: 'session.signed_in', payload: { sessionId: session.sessionId, passkeyId: passkey.id } });
    return { token: session.token, expiresAt: session.expiresAt };
  });
}

export async function signout(db: Db, session: SessionInfo): Promise<void> {
  await db.transaction(async (tx) => {
    await revokeSession(tx, session.sessionId);
    await appendAudit(tx, { orgId: session.orgId, actorUserId: session.userId, type: 'session.signed_out', payload: { sessionId: session.sessionId } });
  });
}
