/**
 * Changes to a wallet's controls. Changes that loosen control (a new policy version, a whitelist
 * addition, granting a wallet role that can move funds) are requests approved by the current
 * policy's quorum (its `governance` quorum if it names one, else `default`), with the same signed
 * approvals as transfers; the approval that completes the quorum applies the change in the same
 * transaction. Changes that only tighten control (removing a whitelist entry, removing or
 * demoting a member) apply at once, audited, unless they would leave the active policy unmeetable.
 */
import { and, desc, eq, lt, max, ne } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { governanceRequests, users, walletApiKeys, walletMembers, walletPolicies, whitelistEntries, wallets } from '@/db/schema';
import { grantApiKeyWalletRole, revokeApiKeyWalletRole } from './api-keys';
import type { ApprovalDecision, ApprovalRequestInput } from '@/lib/approvals';
import { BitcoinError } from '@/lib/bitcoin/errors';
import { parseDestination } from '@/lib/bitcoin/destination';
import { AppError } from '@/lib/errors';
import type { WalletRole } from '@/lib/roles';
import type { BitcoinNetworkName } from '@/lib/wallet-constants';
import type { AppConfig } from '../config';
import { rethrowConflict } from '../db-errors';
import { evaluateQuorum, policyHash, type PolicyDocument } from '../policy';
import { assertEligible, decisionsFor, quorumStatus, recordDecision, snapshotQuorum, verifyEvidence, type ApprovalEvidence, type QuorumSnapshot } from './approvals';
import { announceGovernance } from './announce';
import { appendAudit } from './audit';
import { emitEvent } from './events';
import { activePolicy, checkPolicyDocument, policyDirectory } from './policies';
import type { Actor } from './transfers';

type Wallet = typeof wallets.$inferSelect;
export type GovernanceRequest = typeof governanceRequests.$inferSelect;

export type GovernancePayload =
  | { kind: 'policy_change'; policyId: string; version: number; documentHash: string }
  | { kind: 'whitelist_add'; address: string; label: string; coolingOffHours: number }
  | { kind: 'member_change'; userId: string; name: string; from: WalletRole | null; to: WalletRole }
  | { kind: 'member_change'; apiKeyId: string; name: string; from: WalletRole | null; to: WalletRole };

const DIGEST_KIND = { policy_change: 'policy_change', whitelist_add: 'whitelist_change', whitelist_remove: 'whitelist_change', member_change: 'member_change' } as const;

/** What approvers of a change sign: the change itself (body) under the policy that governs it. */
export function governanceApprovalRequest(request: GovernanceRequest, wallet: Wallet): ApprovalRequestInput {
  return {
    orgId: request.orgId,
    walletId: request.walletId,
    requestId: request.id,
    requestKind: DIGEST_KIND[request.kind],
    chain: 'bitcoin',
    network: wallet.network as BitcoinNetworkName,
    asset: 'BTC',
    outputs: [],
    feeCap: '0',
    policyVersion: request.policyVersion,
    policyHash: request.policyHash,
    body: request.payload as Record<string, string | number>,
  };
}

/** Loosening changes wait for the current quorum; a lone approver with self-approval applies at once after their own signed approval. */
async function propose(db: Db, config: AppConfig, actor: Actor & { userId: string }, wallet: Wallet, payload: GovernancePayload) {
  const policy = await activePolicy(db, wallet.id);
  const directory = await policyDirectory(db, wallet);
  const quorumName = policy.document.quorums.governance ? 'governance' : 'default';
  const excluded = policy.document.allowSelfApproval ? [] : [actor.principal];
  const snapshot = snapshotQuorum(policy.document.quorums[quorumName]!, directory, excluded);
  const reachable = evaluateQuorum(snapshot.node, [], { walletApprovers: snapshot.walletApprovers, groups: snapshot.groups, excluded }).possible;
  if (!reachable) throw new AppError('POLICY_UNSATISFIABLE', `governance quorum '${quorumName}' cannot be met`);
  const { kind, ...body } = payload;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(governanceRequests)
      .values({
        orgId: wallet.orgId,
        walletId: wallet.id,
        kind,
        payload: body,
        state: 'pending_approval',
        initiatorId: actor.userId,
        policyVersion: policy.version,
        policyHash: policy.hash,
        quorum: snapshot as unknown as Record<string, unknown>,
        expiresAt: new Date(Date.now() + config.APPROVAL_TTL_HOURS * 3600_000),
      })
      .returning();
    await appendAudit(tx, { orgId: wallet.orgId, actorUserId: actor.userId, type: 'governance.proposed', payload: { requestId: row!.id, walletId: wallet.id, kind, ...body } });
    await announceGovernance(tx, 'governance.pending_approval', row!);
    return row!;
  });
}

/** A new policy version: validated now, stored as proposed, active once the current quorum approves. */
export async function proposePolicy(db: Db, config: AppConfig, actor: Actor & { userId: string }, wallet: Wallet, raw: unknown) {
  const directory = await policyDirectory(db, wallet);
  const document = checkPolicyDocument(raw, directory);
  const hash = policyHash(document);
  const current = await activePolicy(db, wallet.id);
  if (hash === current.hash) throw new AppError('POLICY_INVALID', 'identical to the active policy', { userMessage: 'This is the policy already in force: change something first.' });
  const [{ top }] = (await db.select({ top: max(walletPolicies.version) }).from(walletPolicies).where(eq(walletPolicies.walletId, wallet.id))) as [{ top: number | null }];
  const version = (top ?? 0) + 1;
  const [row] = await db.insert(walletPolicies).values({ walletId: wallet.id, version, document, hash, state: 'proposed', proposedBy: actor.userId }).returning();
  return propose(db, config, actor, wallet, { kind: 'policy_change', policyId: row!.id, version, documentHash: hash });
}

function canonicalAddress(address: string, network: BitcoinNetworkName): string {
  try {
    return parseDestination(address, network).address;
  } catch (error) {
    if (error instanceof BitcoinError) throw new AppError('TRANSFER_INVALID', `${error.code}: ${error.message}`, { cause: error, userMessage: error.message });
    throw error;
  }
}

export async function proposeWhitelistAddition(db: Db, config: AppConfig, actor: Actor & { userId: string }, wallet: Wallet, input: { address: string; label: string; coolingOffHours: number }) {
  const address = canonicalAddress(input.address, wallet.network as BitcoinNetworkName);
  const [live] = await db.select().from(whitelistEntries).where(and(eq(whitelistEntries.walletId, wallet.id), eq(whitelistEntries.address, address), ne(whitelistEntries.state, 'removed')));
  if (live) throw new AppError('ALREADY_EXISTS', `already whitelisted: ${address}`, { userMessage: `This address is already on the whitelist as “${live.label}”.` });
  return propose(db, config, actor, wallet, { kind: 'whitelist_add', address, label: input.label, coolingOffHours: input.coolingOffHours });
}

/** Removing an entry only tightens control: it applies at once. */
export async function removeWhitelistEntry(db: Db, actor: Actor & { userId: string }, wallet: Wallet, entryId: string) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(whitelistEntries)
      .set({ state: 'removed', removedAt: new Date() })
      .where(and(eq(whitelistEntries.id, entryId), eq(whitelistEntries.walletId, wallet.id), ne(whitelistEntries.state, 'removed')))
      .returning();
    if (!row) throw new AppError('NOT_FOUND', `whitelist entry ${entryId}`);
    await appendAudit(tx, { orgId: wallet.orgId, actorUserId: actor.userId, type: 'whitelist.removed', payload: { walletId: wallet.id, entryId, address: row.address, label: row.label } });
    return row;
  });
}

const RANK: Record<WalletRole, number> = { viewer: 0, initiator: 1, approver: 2 };

/**
 * Grants or changes a person's wallet role. More power (a new member who can move funds, or a
 * promotion) is a request for the quorum; viewer grants, demotions and removals apply at once,
 * unless the active policy could then no longer be met.
 */
export async function changeWalletMember(db: Db, config: AppConfig, actor: Actor & { userId: string }, wallet: Wallet, input: { userId: string; role: WalletRole | null }) {
  const [person] = await db.select({ id: users.id, name: users.displayName }).from(users).where(eq(users.id, input.userId));
  const directory = await policyDirectory(db, wallet);
  const inOrg = directory.users instanceof Map ? directory.users.has(input.userId) : false;
  if (!person || !inOrg) throw new AppError('NOT_FOUND', `user ${input.userId} not an active member of org ${wallet.orgId}`);
  const [current] = await db.select().from(walletMembers).where(and(eq(walletMembers.walletId, wallet.id), eq(walletMembers.userId, input.userId)));
  const from = current?.role ?? null;
  if (from === input.role) throw new AppError('ALREADY_EXISTS', 'no change', { userMessage: 'That person already has this role.' });
  const loosens = input.role !== null && input.role !== 'viewer' && (from === null || RANK[input.role] > RANK[from]);
  if (loosens) return { applied: false as const, request: await propose(db, config, actor, wallet, { kind: 'member_change', userId: input.userId, name: person.name, from, to: input.role! }) };

  await db.transaction(async (tx) => {
    if (input.role === null) await tx.delete(walletMembers).where(and(eq(walletMembers.walletId, wallet.id), eq(walletMembers.userId, input.userId)));
    else if (current) await tx.update(walletMembers).set({ role: input.role }).where(eq(walletMembers.id, current.id));
    else await tx.insert(walletMembers).values({ walletId: wallet.id, userId: input.userId, role: input.role, grantedBy: actor.userId });
    await assertPolicyStillMeetable(tx, wallet);
    await appendAudit(tx, { orgId: wallet.orgId, actorUserId: actor.userId, type: 'wallet.member_changed', payload: { walletId: wallet.id, userId: input.userId, from, to: input.role } });
    await emitEvent(tx, { orgId: wallet.orgId, type: 'wallet.member_changed', payload: { walletId: wallet.id, userId: input.userId, from, to: input.role } });
  });
  return { applied: true as const, request: null };
}

/** The same for an API key's wallet role (an approver bot, a back office initiator). */
export async function changeWalletApiKey(db: Db, config: AppConfig, actor: Actor & { userId: string }, wallet: Wallet, input: { apiKeyId: string; role: WalletRole | null }) {
  const directory = await policyDirectory(db, wallet);
  const key = (directory.apiKeys as Map<string, { name: string }>).get(input.apiKeyId);
  if (!key) throw new AppError('NOT_FOUND', `API key ${input.apiKeyId} not live in org ${wallet.orgId}`);
  const [current] = await db.select().from(walletApiKeys).where(and(eq(walletApiKeys.walletId, wallet.id), eq(walletApiKeys.apiKeyId, input.apiKeyId)));
  const from = current?.role ?? null;
  if (from === input.role) throw new AppError('ALREADY_EXISTS', 'no change', { userMessage: 'That API key already has this role.' });
  const loosens = input.role !== null && input.role !== 'viewer' && (from === null || RANK[input.role] > RANK[from]);
  if (loosens) return { applied: false as const, request: await propose(db, config, actor, wallet, { kind: 'member_change', apiKeyId: input.apiKeyId, name: key.name, from, to: input.role! }) };
  await db.transaction(async (tx) => {
    if (input.role === null) await revokeApiKeyWalletRole(tx, wallet.id, input.apiKeyId, { actorUserId: actor.userId });
    else await grantApiKeyWalletRole(tx, wallet.id, input.apiKeyId, input.role, { actorUserId: actor.userId });
    await assertPolicyStillMeetable(tx, wallet);
    await emitEvent(tx, { orgId: wallet.orgId, type: 'wallet.member_changed', payload: { walletId: wallet.id, apiKeyId: input.apiKeyId, from, to: input.role } });
  });
  return { applied: true as const, request: null };
}

/** After a tightening change: the active policy must still validate (e.g. k ≤ approvers). */
async function assertPolicyStillMeetable(tx: Tx, wallet: Wallet) {
  const policy = await activePolicy(tx, wallet.id);
  const directory = await policyDirectory(tx, wallet);
  try {
    checkPolicyDocument(policy.document, directory);
  } catch (error) {
    throw new AppError('POLICY_UNSATISFIABLE', (error as Error).message, {
      cause: error,
      userMessage: `This change would leave the wallet’s policy (version ${policy.version}) impossible to meet: ${(error as AppError).userMessage ?? (error as Error).message} Change the policy first.`,
    });
  }
}

/** Applies an approved change inside the approving transaction. */
async function apply(tx: Tx, wallet: Wallet, request: GovernanceRequest) {
  const payload = request.payload as Record<string, unknown>;
  switch (request.kind) {
    case 'policy_change': {
      const [proposed] = await tx.select().from(walletPolicies).where(and(eq(walletPolicies.id, payload.policyId as string), eq(walletPolicies.state, 'proposed')));
      if (!proposed) throw new AppError('GOVERNANCE_STATE', 'proposed policy is gone');
      // The directory may have changed since the proposal: the policy must still be valid.
      checkPolicyDocument(proposed.document, await policyDirectory(tx, wallet));
      await tx.update(walletPolicies).set({ state: 'superseded' }).where(and(eq(walletPolicies.walletId, wallet.id), eq(walletPolicies.state, 'active')));
      await tx.update(walletPolicies).set({ state: 'active', activatedAt: new Date() }).where(eq(walletPolicies.id, proposed.id));
      await appendAudit(tx, { orgId: wallet.orgId, actorUserId: null, type: 'policy.activated', payload: { walletId: wallet.id, version: proposed.version, hash: proposed.hash, requestId: request.id } });
      await emitEvent(tx, { orgId: wallet.orgId, type: 'policy.activated', payload: { walletId: wallet.id, version: proposed.version, hash: proposed.hash, requestId: request.id } });
      return;
    }
    case 'whitelist_add': {
      const usableFrom = new Date(Date.now() + Number(payload.coolingOffHours) * 3600_000);
      await tx
        .insert(whitelistEntries)
        .values({ walletId: wallet.id, address: payload.address as string, label: payload.label as string, state: 'active', usableFrom, addedBy: request.initiatorId })
        .catch(rethrowConflict);
      await appendAudit(tx, { orgId: wallet.orgId, actorUserId: null, type: 'whitelist.added', payload: { walletId: wallet.id, address: payload.address as string, label: payload.label as string, usableFrom: usableFrom.toISOString(), requestId: request.id } });
      return;
    }
    case 'member_change': {
      if (typeof payload.apiKeyId === 'string') {
        await grantApiKeyWalletRole(tx, wallet.id, payload.apiKeyId, payload.to as WalletRole, { actorUserId: null });
        await emitEvent(tx, { orgId: wallet.orgId, type: 'wallet.member_changed', payload: { walletId: wallet.id, apiKeyId: payload.apiKeyId, from: (payload.from as string | null) ?? null, to: payload.to as string, requestId: request.id } });
        return;
      }
      const userId = payload.userId as string;
      const role = payload.to as WalletRole;
      const [current] = await tx.select().from(walletMembers).where(and(eq(walletMembers.walletId, wallet.id), eq(walletMembers.userId, userId)));
      if (current) await tx.update(walletMembers).set({ role }).where(eq(walletMembers.id, current.id));
      else await tx.insert(walletMembers).values({ walletId: wallet.id, userId, role, grantedBy: request.initiatorId });
      await appendAudit(tx, { orgId: wallet.orgId, actorUserId: null, type: 'wallet.member_changed', payload: { walletId: wallet.id, userId, from: current?.role ?? null, to: role, requestId: request.id } });
      await emitEvent(tx, { orgId: wallet.orgId, type: 'wallet.member_changed', payload: { walletId: wallet.id, userId, from: current?.role ?? null, to: role, requestId: request.id } });
      return;
    }
    case 'whitelist_remove':
      return;
  }
}

export async function loadGovernance(db: Db, wallet: Wallet, id: string): Promise<GovernanceRequest> {
  const [row] = await db.select().from(governanceRequests).where(and(eq(governanceRequests.id, id), eq(governanceRequests.walletId, wallet.id)));
  if (!row) throw new AppError('NOT_FOUND', `governance request ${id} not in wallet ${wallet.id}`);
  return row;
}

export async function listGovernance(db: Db, walletId: string) {
  return db.select().from(governanceRequests).where(eq(governanceRequests.walletId, walletId)).orderBy(desc(governanceRequests.createdAt)).limit(100);
}

async function lockGovernance(tx: Tx, id: string) {
  const [row] = await tx.select().from(governanceRequests).where(eq(governanceRequests.id, id)).for('update');
  return row!;
}

/** Same rules as transfers: verified evidence, idempotent record, veto on reject, apply on quorum. */
export async function decideGovernance(db: Db, config: AppConfig, actor: Actor, wallet: Wallet, request: GovernanceRequest, decision: ApprovalDecision, evidence: ApprovalEvidence) {
  if (request.state !== 'pending_approval') throw new AppError('GOVERNANCE_STATE', `request ${request.id} is ${request.state}`);
  const snapshot = request.quorum as unknown as QuorumSnapshot;
  assertEligible(snapshot, actor.principal);
  const { digest, proof } = await verifyEvidence(db, config, actor.principal, governanceApprovalRequest(request, wallet), decision, evidence);
  return db.transaction(async (tx) => {
    const current = await lockGovernance(tx, request.id);
    if (current.state !== 'pending_approval') throw new AppError('GOVERNANCE_STATE', `request ${request.id} is ${current.state}`);
    const { fresh } = await recordDecision(tx, { orgId: wallet.orgId, requestKind: 'governance', requestId: request.id, principal: actor.principal, decision, digest, proof });
    if (!fresh) return current;
    const base = { requestId: request.id, walletId: wallet.id, kind: request.kind, principal: actor.principal, digest };
    if (decision === 'reject') {
      if (request.kind === 'policy_change') await tx.update(walletPolicies).set({ state: 'rejected' }).where(eq(walletPolicies.id, (request.payload as { policyId: string }).policyId));
      return finish(tx, current, 'rejected', actor, 'governance.rejected', base);
    }
    const status = quorumStatus(snapshot, await decisionsFor(tx, 'governance', request.id));
    await appendAudit(tx, { orgId: wallet.orgId, actorUserId: actor.userId, type: 'governance.approval_added', payload: { ...base, missing: status.missing } });
    if (!status.satisfied) return current;
    await apply(tx, wallet, current);
    return finish(tx, current, 'applied', actor, 'governance.applied', base);
  });
}

async function finish(tx: Tx, current: GovernanceRequest, state: 'applied' | 'rejected' | 'cancelled', actor: Actor, type: string, payload: Parameters<typeof appendAudit>[1]['payload']) {
  const [row] = await tx
    .update(governanceRequests)
    .set({ state, decidedAt: new Date() })
    .where(and(eq(governanceRequests.id, current.id), eq(governanceRequests.state, 'pending_approval')))
    .returning();
  if (!row) throw new AppError('GOVERNANCE_STATE', `request ${current.id} moved on`);
  await appendAudit(tx, { orgId: current.orgId, actorUserId: actor.userId, type, payload });
  if (state !== 'cancelled') await announceGovernance(tx, state === 'applied' ? 'governance.applied' : 'governance.rejected', row);
  return row;
}

export async function cancelGovernance(db: Db, actor: Actor & { userId: string }, request: GovernanceRequest) {
  if (request.initiatorId !== actor.userId) throw new AppError('FORBIDDEN_ROLE', 'only the proposer cancels');
  return db.transaction(async (tx) => {
    const current = await lockGovernance(tx, request.id);
    if (current.state !== 'pending_approval') throw new AppError('GOVERNANCE_STATE', `request ${request.id} is ${current.state}`);
    if (current.kind === 'policy_change') await tx.update(walletPolicies).set({ state: 'rejected' }).where(eq(walletPolicies.id, (current.payload as { policyId: string }).policyId));
    return finish(tx, current, 'cancelled', actor, 'governance.cancelled', { requestId: request.id, walletId: request.walletId, kind: request.kind });
  });
}

/** Open change requests past their deadline expire (a proposed policy version with them). */
export async function expireGovernance(db: Db, now = new Date()): Promise<number> {
  const due = await db.select().from(governanceRequests).where(and(eq(governanceRequests.state, 'pending_approval'), lt(governanceRequests.expiresAt, now)));
  let n = 0;
  for (const r of due) {
    await db.transaction(async (tx) => {
      const [row] = await tx.update(governanceRequests).set({ state: 'expired', decidedAt: now }).where(and(eq(governanceRequests.id, r.id), eq(governanceRequests.state, 'pending_approval'))).returning();
      if (!row) return;
      n += 1;
      if (r.kind === 'policy_change') await tx.update(walletPolicies).set({ state: 'rejected' }).where(eq(walletPolicies.id, (r.payload as { policyId: string }).policyId));
      await appendAudit(tx, { orgId: r.orgId, actorUserId: null, type: 'governance.expired', payload: { requestId: r.id, walletId: r.walletId, kind: r.kind } });
    });
  }
  return n;
}

export type { PolicyDocument };
