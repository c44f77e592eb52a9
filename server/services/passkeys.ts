/** A member's own passkeys: several may be registered; the last one cannot be removed. */
import { and, asc, count, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { passkeys, users } from '@/db/schema';
import { AppError } from '@/lib/errors';
import type { RegistrationResponse } from '@/lib/webauthn-schemas';
import type { AppConfig } from '../config';
import { rethrowConflict } from '../db-errors';
import { insertPasskey } from './accounts';
import { appendAudit } from './audit';
import type { SessionInfo } from './sessions';
import { consumeChallenge, issueChallenge, registrationOptions, verifyRegistration } from './webauthn';

export async function listPasskeys(db: Db, session: SessionInfo) {
  const rows = await db
    .select({ id: passkeys.id, name: passkeys.name, deviceType: passkeys.deviceType, backedUp: passkeys.backedUp, createdAt: passkeys.createdAt, lastUsedAt: passkeys.lastUsedAt })
    .from(passkeys)
    .where(and(eq(passkeys.userId, session.userId), isNull(passkeys.revokedAt)))
    .orderBy(asc(passkeys.createdAt));
  return rows;
}

export async function startAddPasskey(db: Db, config: AppConfig, session: SessionInfo) {
  const [user] = await db.select().from(users).where(eq(users.id, session.userId));
  const existing = await db
    .select({ credentialId: passkeys.credentialId, transports: passkeys.transports })
    .from(passkeys)
    .where(and(eq(passkeys.userId, session.userId), isNull(passkeys.revokedAt)));
  const options = await registrationOptions(config, user!, existing);
  const ceremonyId = await issueChallenge(db, { purpose: 'add_passkey', challenge: options.challenge, userId: session.userId });
  return { ceremonyId, options };
}

export async function finishAddPasskey(
  db: Db,
  config: AppConfig,
  session: SessionInfo,
  input: { ceremonyId: string; response: RegistrationResponse; name: string },
) {
  const challenge = await consumeChallenge(db, input.ceremonyId, 'add_passkey');
  if (challenge.userId !== session.userId) throw new AppError('CHALLENGE_EXPIRED', 'challenge issued to another user');
  const passkey = await verifyRegistration(config, input.response, challenge.challenge);
  try {
    return await db.transaction(async (tx) => {
      const passkeyId = await insertPasskey(tx, session.userId, passkey, input.name);
      await appendAudit(tx, { orgId: session.orgId, actorUserId: session.userId, type: 'passkey.added', payload: { passkeyId, deviceType: passkey.deviceType } });
      return { passkeyId };
    });
  } catch (error) {
    rethrowConflict(error);
  }
}

export async function removePasskey(db: Db, session: SessionInfo, passkeyId: string) {
  await db.transaction(async (tx) => {
    const mine = and(eq(passkeys.userId, session.userId), isNull(passkeys.revokedAt));
    const [target] = await tx.select({ id: passkeys.id }).from(passkeys).where(and(mine, eq(passkeys.id, passkeyId))).for('update');
    if (!target) throw new AppError('NOT_FOUND', `passkey ${passkeyId} is not an active passkey of ${session.userId}`);
    const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(passkeys).where(mine);
    if (Number(n) <= 1) throw new AppError('LAST_PASSKEY');
    await tx.update(passkeys).set({ revokedAt: new Date() }).where(eq(passkeys.id, passkeyId));
    await appendAudit(tx, { orgId: session.orgId, actorUserId: session.userId, type: 'passkey.removed', payload: { passkeyId } });
  });
}
