/**
 * Assisted password recovery (Box 4 of the key card). An admin asks; `RECOVERY_QUORUM` other
 * admins approve with signed passkey assertions over the request digest (any admin may veto);
 * then `RECOVERY_WAIT_HOURS` must pass, during which every admin is notified and can still
 * reject. Only then, and only once, does the HSM open the box: the password exists in this
 * process just long enough to be sealed to the ephemeral key the requester's browser made
 * (lib/crypto/reveal.ts). It is never stored, logged or returned in clear.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { memberships, passwordRecoveries, wallets } from '@/db/schema';
import type { ApprovalDecision, ApprovalRequestInput } from '@/lib/approvals';
import { sealForBrowser, type SealedForBrowser } from '@/lib/crypto/reveal';
import { AppError } from '@/lib/errors';
import type { BitcoinNetworkName } from '@/lib/wallet-constants';
import type { AppConfig } from '../config';
import type { CoSigner } from '../cosigner/types';
import { decisionsFor, recordDecision, verifyEvidence, type ApprovalEvidence } from './approvals';
import { appendAudit } from './audit';
import { emitEvent } from './events';
import { activePolicy } from './policies';
import type { SessionInfo } from './sessions';

export type Recovery = typeof passwordRecoveries.$inferSelect;
type Box = { alg: 'RSA-OAEP'; hash: 'SHA-1' | 'SHA-256'; keyId: string; ct: string };

async function activeAdmins(db: Db | Tx, orgId: string): Promise<string[]> {
  return (await db.select({ id: memberships.userId }).from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.role, 'admin'), eq(memberships.status, 'active')))).map((r) => r.id);
}

/** What approving admins sign: this wallet, this requester, exactly this box. */
export async function recoveryApprovalRequest(db: Db | Tx, r: Recovery): Promise<ApprovalRequestInput> {
  const [wallet] = await db.select().from(wallets).where(eq(wallets.id, r.walletId));
  const policy = await activePolicy(db, r.walletId);
  const box = r.box as Box;
  return {
    orgId: r.orgId,
    walletId: r.walletId,
    requestId: r.id,
    requestKind: 'password_recovery',
    chain: 'bitcoin',
    network: wallet!.network as BitcoinNetworkName,
    asset: 'BTC',
    outputs: [],
    feeCap: '0',
    policyVersion: policy.version,
    policyHash: policy.hash,
    body: { requesterId: r.requesterId, boxKeyId: box.keyId, boxSha256: bytesToHex(sha256(new TextEncoder().encode(box.ct))) },
  };
}

export async function requestRecovery(db: Db, config: AppConfig, cosigner: CoSigner, actor: SessionInfo, input: { walletId: string; box: Box; reason: string }, now: Date) {
  const [wallet] = await db.select().from(wallets).where(and(eq(wallets.id, input.walletId), eq(wallets.orgId, actor.orgId)));
  if (!wallet) throw new AppError('NOT_FOUND', `wallet ${input.walletId} not in org ${actor.orgId}`);
  const key = await cosigner.recoveryPublicKey();
  if (input.box.keyId !== key.keyId) {
    throw new AppError('RECOVERY_INVALID', `box sealed to ${input.box.keyId}, service key is ${key.keyId}`, { userMessage: 'This Box 4 was sealed to another recovery key than this service’s. Check that it comes from this wallet’s key card.' });
  }
  const others = (await activeAdmins(db, actor.orgId)).filter((id) => id !== actor.userId);
  if (others.length < config.RECOVERY_QUORUM) {
    throw new AppError('POLICY_UNSATISFIABLE', `${others.length} other admins < quorum ${config.RECOVERY_QUORUM}`, {
      userMessage: `Password recovery needs ${config.RECOVERY_QUORUM} other admins to approve, and this organisation has ${others.length}. Invite more admins first.`,
    });
  }
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(passwordRecoveries)
      .values({ orgId: actor.orgId, walletId: wallet.id, requesterId: actor.userId, state: 'pending_approval', reason: input.reason, box: input.box, quorum: config.RECOVERY_QUORUM, expiresAt: new Date(now.getTime() + config.APPROVAL_TTL_HOURS * 3600_000), createdAt: now })
      .returning();
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'recovery.requested', payload: { requestId: row!.id, walletId: wallet.id, reason: input.reason, quorum: config.RECOVERY_QUORUM } });
    await emitEvent(tx, {
      orgId: actor.orgId,
      type: 'recovery.requested',
      payload: { requestId: row!.id, walletId: wallet.id, requesterId: actor.userId },
      notify: { userIds: others, title: `${actor.displayName} asks to recover the password of wallet “${wallet.name}”`, body: input.reason, link: '/settings/recovery' },
    });
    return row!;
  });
}

export async function loadRecovery(db: Db, orgId: string, id: string): Promise<Recovery> {
  const [row] = await db.select().from(passwordRecoveries).where(and(eq(passwordRecoveries.id, id), eq(passwordRecoveries.orgId, orgId)));
  if (!row) throw new AppError('NOT_FOUND', `recovery ${id} not in org ${orgId}`);
  return row;
}

export async function listRecoveries(db: Db, orgId: string) {
  return db.select().from(passwordRecoveries).where(eq(passwordRecoveries.orgId, orgId)).orderBy(desc(passwordRecoveries.createdAt)).limit(50);
}

/**
 * Another admin's signed decision. A rejection vetoes (also during the waiting period); the
 * quorum-completing approval starts the waiting period.
 */
export async function decideRecovery(db: Db, config: AppConfig, actor: SessionInfo, r: Recovery, decision: ApprovalDecision, evidence: ApprovalEvidence, now: Date) {
  const open = r.state === 'pending_approval' || (r.state === 'waiting' && decision === 'reject');
  if (!open) throw new AppError('RECOVERY_STATE', `recovery ${r.id} is ${r.state}`);
  if (actor.userId === r.requesterId) throw new AppError('APPROVAL_NOT_ELIGIBLE', 'requester', { userMessage: 'You asked for this recovery; other admins must decide on it.' });
  const principal = { kind: 'user' as const, id: actor.userId };
  const { digest, proof } = await verifyEvidence(db, config, principal, await recoveryApprovalRequest(db, r), decision, evidence);
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(passwordRecoveries).where(eq(passwordRecoveries.id, r.id)).for('update');
    if (!(current!.state === 'pending_approval' || (current!.state === 'waiting' && decision === 'reject'))) throw new AppError('RECOVERY_STATE', `recovery ${r.id} is ${current!.state}`);
    const { fresh } = await recordDecision(tx, { orgId: r.orgId, requestKind: 'recovery', requestId: r.id, principal, decision, digest, proof });
    if (!fresh) return current!;
    const base = { requestId: r.id, walletId: r.walletId, digest };
    if (decision === 'reject') {
      const [row] = await tx.update(passwordRecoveries).set({ state: 'rejected' }).where(eq(passwordRecoveries.id, r.id)).returning();
      await appendAudit(tx, { orgId: r.orgId, actorUserId: actor.userId, type: 'recovery.rejected', payload: base });
      await emitEvent(tx, { orgId: r.orgId, type: 'recovery.rejected', payload: { requestId: r.id, walletId: r.walletId }, notify: { userIds: [r.requesterId], title: 'Your password recovery request was rejected', link: '/settings/recovery' } });
      return row!;
    }
    await appendAudit(tx, { orgId: r.orgId, actorUserId: actor.userId, type: 'recovery.approval_added', payload: base });
    const admins = new Set(await activeAdmins(tx, r.orgId));
    const approvals = (await decisionsFor(tx, 'recovery', r.id)).filter((d) => d.decision === 'approve' && d.principalId !== r.requesterId && admins.has(d.principalId));
    if (approvals.length < current!.quorum) return current!;
    const availableAt = new Date(now.getTime() + config.RECOVERY_WAIT_HOURS * 3600_000);
    const [row] = await tx.update(passwordRecoveries).set({ state: 'waiting', availableAt }).where(eq(passwordRecoveries.id, r.id)).returning();
    await appendAudit(tx, { orgId: r.orgId, actorUserId: actor.userId, type: 'recovery.waiting', payload: { requestId: r.id, walletId: r.walletId, availableAt: availableAt.toISOString() } });
    await emitEvent(tx, {
      orgId: r.orgId,
      type: 'recovery.approved',
      payload: { requestId: r.id, walletId: r.walletId, availableAt: availableAt.toISOString() },
      notify: { userIds: [...admins], title: `A wallet password can be revealed after ${availableAt.toISOString()}; any admin can still reject it until then`, link: '/settings/recovery' },
    });
    return row!;
  });
}

/**
 * The requester's browser sends a fresh ECDH public key; after the waiting period the HSM opens
 * Box 4 and the password goes back sealed to that key. Once only.
 */
export async function revealPassword(db: Db, cosigner: CoSigner, actor: SessionInfo, r: Recovery, browserPublicKey: string, now: Date): Promise<SealedForBrowser> {
  if (r.requesterId !== actor.userId) throw new AppError('FORBIDDEN_ROLE', 'only the requester', { userMessage: 'Only the admin who asked for this recovery can reveal the password.' });
  if (r.state !== 'waiting') throw new AppError('RECOVERY_STATE', `recovery ${r.id} is ${r.state}`);
  if (!r.availableAt || now < r.availableAt) {
    throw new AppError('RECOVERY_WAITING', `available at ${r.availableAt?.toISOString()}`, { userMessage: `The waiting period ends ${r.availableAt?.toISOString() ?? 'after approval'}; any admin can still reject the request until then. Come back after that.` });
  }
  // Claim the reveal first (single use), then open the box; a failure after the claim is audited.
  const claimed = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(passwordRecoveries)
      .set({ state: 'revealed', revealedAt: now })
      .where(and(eq(passwordRecoveries.id, r.id), eq(passwordRecoveries.state, 'waiting')))
      .returning();
    if (!row) return null;
    await appendAudit(tx, { orgId: r.orgId, actorUserId: actor.userId, type: 'recovery.revealed', payload: { requestId: r.id, walletId: r.walletId } });
    await emitEvent(tx, { orgId: r.orgId, type: 'recovery.revealed', payload: { requestId: r.id, walletId: r.walletId, by: actor.userId } });
    return row;
  });
  if (!claimed) throw new AppError('RECOVERY_STATE', `recovery ${r.id} already revealed`);
  const box = r.box as Box;
  const password = await cosigner.decryptRecoveryBox(box.ct, { hash: box.hash, keyId: box.keyId });
  try {
    return await sealForBrowser(password, browserPublicKey, r.id);
  } finally {
    password.fill(0);
  }
}

export async function cancelRecovery(db: Db, actor: SessionInfo, r: Recovery) {
  if (r.requesterId !== actor.userId) throw new AppError('FORBIDDEN_ROLE', 'only the requester cancels');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(passwordRecoveries)
      .set({ state: 'cancelled' })
      .where(and(eq(passwordRecoveries.id, r.id), eq(passwordRecoveries.state, r.state === 'waiting' ? 'waiting' : 'pending_approval')))
      .returning();
    if (!row) throw new AppError('RECOVERY_STATE', `recovery ${r.id} is ${r.state}`);
    await appendAudit(tx, { orgId: r.orgId, actorUserId: actor.userId, type: 'recovery.cancelled', payload: { requestId: r.id, walletId: r.walletId } });
    return row;
  });
}

/** Requests not approved in time expire (the waiting period itself never expires a request). */
export async function expireRecoveries(db: Db, now = new Date()): Promise<number> {
  const rows = await db
    .update(passwordRecoveries)
    .set({ state: 'expired' })
    .where(and(eq(passwordRecoveries.state, 'pending_approval'), lt(passwordRecoveries.expiresAt, now)))
    .returning({ id: passwordRecoveries.id, orgId: passwordRecoveries.orgId, walletId: passwordRecoveries.walletId });
  for (const r of rows) await db.transaction((tx) => appendAudit(tx, { orgId: r.orgId, actorUserId: null, type: 'recovery.expired', payload: { requestId: r.id, walletId: r.walletId } }));
  return rows.length;
}
