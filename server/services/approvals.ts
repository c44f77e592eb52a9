/**
 * Signed approvals, shared by transfers and governance requests.
 *
 * A request's quorum is frozen when it is created (the tree with its groups resolved, the wallet
 * approvers, who is excluded, display names), so later edits to groups or roles cannot change
 * what an open request needs; a member deactivated since then no longer counts.
 *
 * An approval is a WebAuthn assertion whose challenge is the request digest (lib/approvals), or
 * for an API key a signature over the same digest with its registered key. The evidence is kept
 * verbatim (approvals.proof) so an auditor can re-verify it offline.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { apiKeys, approvals, passkeys } from '@/db/schema';
import {
  approvalDigest,
  challengeFromDigest,
  digestHex,
  fromBase64url,
  normalizeApprovalRequest,
  verifyApiKeySignature,
  verifyApprovalProof,
  type ApiKeyAlgorithm,
  type ApprovalDecision,
  type ApprovalProof,
  type ApprovalRequestInput,
} from '@/lib/approvals';
import { AppError } from '@/lib/errors';
import type { AuthenticationResponse } from '@/lib/webauthn-schemas';
import type { AppConfig } from '../config';
import { isUniqueViolation } from '../db-errors';
import {
  describeQuorum,
  evaluateQuorum,
  explainMissing,
  principalName,
  flattenGroup,
  quorumPrincipals,
  samePrincipal,
  type AnnotatedQuorum,
  type DirectoryGroup,
  type PolicyDirectory,
  type Principal,
  type QuorumNode,
} from '../policy';
import { directoryNames } from './policies';
import { verifyAuthentication } from './webauthn';

export interface QuorumSnapshot {
  node: QuorumNode;
  walletApprovers: string[];
  /** Every group the tree names, with nested groups flattened into principals. */
  groups: Record<string, DirectoryGroup>;
  excluded: Principal[];
  names: { users: Record<string, { name: string }>; apiKeys: Record<string, { name: string }>; groups: Record<string, { name: string }> };
}

function namedGroups(node: QuorumNode, out: Set<string>): Set<string> {
  if (node.kind === 'group') out.add(node.groupId);
  if (node.kind === 'and' || node.kind === 'threshold') for (const c of node.children) namedGroups(c, out);
  return out;
}

export function snapshotQuorum(node: QuorumNode, directory: PolicyDirectory, excluded: Principal[]): QuorumSnapshot {
  const groups: QuorumSnapshot['groups'] = {};
  for (const id of namedGroups(node, new Set())) {
    const g = directory.groups instanceof Map ? directory.groups.get(id) : (directory.groups as Record<string, DirectoryGroup>)[id];
    if (g) groups[id] = { name: g.name, members: flattenGroup(id, directory.groups) };
  }
  const { users, apiKeys } = directoryNames(directory);
  return {
    node,
    walletApprovers: [...directory.walletApprovers],
    groups,
    excluded,
    names: { users, apiKeys, groups: Object.fromEntries(Object.entries(groups).map(([id, g]) => [id, { name: g.name }])) },
  };
}

export type ApprovalRow = typeof approvals.$inferSelect;

function ctxOf(snapshot: QuorumSnapshot, extraExcluded: Principal[] = []) {
  return { walletApprovers: snapshot.walletApprovers, groups: snapshot.groups, excluded: [...snapshot.excluded, ...extraExcluded] };
}

export interface QuorumStatus {
  satisfied: boolean;
  annotated: AnnotatedQuorum;
  missing: string[];
  approvedBy: Principal[];
  rejectedBy: Principal[];
}

export function quorumStatus(snapshot: QuorumSnapshot, rows: readonly ApprovalRow[]): QuorumStatus {
  const approvedBy = rows.filter((r) => r.decision === 'approve').map((r) => ({ kind: r.principalKind, id: r.principalId }) as Principal);
  const rejectedBy = rows.filter((r) => r.decision === 'reject').map((r) => ({ kind: r.principalKind, id: r.principalId }) as Principal);
  const annotated = evaluateQuorum(snapshot.node, approvedBy, ctxOf(snapshot));
  return { satisfied: annotated.satisfied, annotated, missing: annotated.satisfied ? [] : explainMissing(annotated, snapshot.names), approvedBy, rejectedBy };
}

/** Whether this principal's decision can count for the request at all. */
export function assertEligible(snapshot: QuorumSnapshot, principal: Principal): void {
  if (snapshot.excluded.some((p) => samePrincipal(p, principal))) {
    throw new AppError('APPROVAL_NOT_ELIGIBLE', 'initiator may not approve', { userMessage: 'You initiated this request; the policy does not let you approve it yourself.' });
  }
  if (!quorumPrincipals(snapshot.node, ctxOf(snapshot)).some((p) => samePrincipal(p, principal))) {
    throw new AppError('APPROVAL_NOT_ELIGIBLE', `${principal.kind} ${principal.id} not in quorum`);
  }
}

export type ApprovalEvidence = { kind: 'passkey'; response: AuthenticationResponse } | { kind: 'api_key'; signature: string };

/** The WebAuthn options for approving (or rejecting): the challenge is the request digest. */
export async function approvalCeremony(db: Db, config: AppConfig, userId: string, request: ApprovalRequestInput, decision: ApprovalDecision) {
  const digest = approvalDigest({ ...request, decision });
  const creds = await db.select({ id: passkeys.credentialId, transports: passkeys.transports }).from(passkeys).where(and(eq(passkeys.userId, userId), isNull(passkeys.revokedAt)));
  return {
    digest: digestHex(digest),
    options: {
      challenge: challengeFromDigest(digest),
      rpId: config.rpId,
      timeout: 120_000,
      userVerification: 'required' as const,
      allowCredentials: creds.map((c) => ({ id: c.id, type: 'public-key' as const, transports: c.transports as AuthenticatorTransport[] })),
    },
  };
}

/** Checks the evidence against the digest of (request, decision); returns what is stored. */
export async function verifyEvidence(db: Db, config: AppConfig, principal: Principal, request: ApprovalRequestInput, decision: ApprovalDecision, evidence: ApprovalEvidence) {
  const digest = approvalDigest({ ...request, decision });
  if (principal.kind === 'user') {
    if (evidence.kind !== 'passkey') throw new AppError('APPROVAL_INVALID', 'people approve with a passkey');
    const [stored] = await db.select().from(passkeys).where(and(eq(passkeys.credentialId, evidence.response.id), eq(passkeys.userId, principal.id)));
    if (!stored || stored.revokedAt) throw new AppError('APPROVAL_INVALID', 'unknown or revoked passkey', { userMessage: 'That passkey is not one of yours (or was removed). Use a passkey registered to your account.' });
    let newCounter: number;
    try {
      ({ newCounter } = await verifyAuthentication(config, evidence.response, challengeFromDigest(digest), stored));
    } catch (error) {
      throw new AppError('APPROVAL_INVALID', (error as Error).message, { cause: error });
    }
    const proof = {
      kind: 'passkey',
      credentialId: stored.credentialId,
      publicKeyCose: stored.publicKey,
      authenticatorData: evidence.response.response.authenticatorData,
      clientDataJSON: evidence.response.response.clientDataJSON,
      signature: evidence.response.response.signature,
      rpId: config.rpId,
      origin: config.APP_ORIGIN,
    };
    // Store only what an auditor's independent verifier (lib/approvals) also accepts.
    assertOfflineVerifiable(request, decision, principal, proof, config);
    // Concurrent approvals may finish out of order: the stored counter only ever moves forward.
    await db.update(passkeys).set({ counter: sql`greatest(${passkeys.counter}, ${newCounter})`, lastUsedAt: new Date() }).where(eq(passkeys.id, stored.id));
    return { digest: digestHex(digest), proof };
  }
  if (evidence.kind !== 'api_key') throw new AppError('APPROVAL_INVALID', 'API keys approve with a signature');
  const [key] = await db.select().from(apiKeys).where(eq(apiKeys.id, principal.id));
  if (!key?.signingAlgorithm || !key.signingPublicKey) {
    throw new AppError('APPROVAL_INVALID', 'API key has no signing key', { userMessage: 'This API key has no registered signing key, so it cannot approve. Register one in Settings → API keys.' });
  }
  const publicKey = fromBase64url(key.signingPublicKey);
  const signature = fromBase64url(evidence.signature);
  const check = publicKey && signature ? verifyApiKeySignature(digest, key.signingAlgorithm as ApiKeyAlgorithm, publicKey, signature) : { ok: false as const, code: 'signature_malformed', message: 'not base64url' };
  if (!check.ok) throw new AppError('APPROVAL_INVALID', `${check.code}: ${check.message}`, { userMessage: 'The signature does not verify with this API key’s signing key over the request digest.' });
  const proof = { kind: 'api_key', algorithm: key.signingAlgorithm, publicKey: key.signingPublicKey, signature: evidence.signature };
  assertOfflineVerifiable(request, decision, principal, proof, config);
  return { digest: digestHex(digest), proof };
}

/** A stored approval as it appears in an export (docs/approval-proofs.md). */
export function exportProof(row: Pick<ApprovalRow, 'principalKind' | 'principalId' | 'decision' | 'proof' | 'createdAt'>, name: string): ApprovalProof {
  const { rpId: _rpId, origin: _origin, ...proof } = row.proof as Record<string, unknown>;
  return { ...proof, principal: { kind: row.principalKind, id: row.principalId, name }, decision: row.decision, at: row.createdAt.toISOString() } as ApprovalProof;
}

function assertOfflineVerifiable(request: ApprovalRequestInput, decision: ApprovalDecision, principal: Principal, proof: Record<string, unknown>, config: AppConfig) {
  const verdict = verifyApprovalProof(
    normalizeApprovalRequest(request),
    exportProof({ principalKind: principal.kind, principalId: principal.id, decision, proof, createdAt: new Date() }, principal.id),
    { rpId: config.rpId, origins: [config.APP_ORIGIN] },
  );
  if (!verdict.ok) throw new AppError('APPROVAL_INVALID', `offline verifier: ${verdict.reason.code}: ${verdict.reason.message}`);
}

/**
 * Stores one principal's decision. Idempotent: the same decision again returns the stored row
 * (a double click, a retry); the opposite decision after the first is refused.
 */
export async function recordDecision(
  tx: DbOrTx,
  row: { orgId: string; requestKind: 'transfer' | 'governance' | 'recovery'; requestId: string; principal: Principal; decision: ApprovalDecision; digest: string; proof: Record<string, unknown> },
): Promise<{ row: ApprovalRow; fresh: boolean }> {
  const existing = async () =>
    (
      await tx
        .select()
        .from(approvals)
        .where(and(eq(approvals.requestKind, row.requestKind), eq(approvals.requestId, row.requestId), eq(approvals.principalKind, row.principal.kind), eq(approvals.principalId, row.principal.id)))
    )[0];
  const before = await existing();
  if (before) return sameDecision(before, row.decision);
  try {
    const [inserted] = await tx
      .insert(approvals)
      .values({ orgId: row.orgId, requestKind: row.requestKind, requestId: row.requestId, principalKind: row.principal.kind, principalId: row.principal.id, decision: row.decision, digest: row.digest, proof: row.proof })
      .returning();
    return { row: inserted!, fresh: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return sameDecision((await existing())!, row.decision);
  }
}

function sameDecision(row: ApprovalRow, decision: ApprovalDecision) {
  if (row.decision !== decision) {
    throw new AppError('APPROVAL_INVALID', `already decided ${row.decision}`, { userMessage: `You already ${row.decision === 'approve' ? 'approved' : 'rejected'} this request; a decision cannot be changed.` });
  }
  return { row, fresh: false };
}

export async function decisionsFor(db: DbOrTx, requestKind: 'transfer' | 'governance' | 'recovery', requestId: string): Promise<ApprovalRow[]> {
  return db.select().from(approvals).where(and(eq(approvals.requestKind, requestKind), eq(approvals.requestId, requestId))).orderBy(approvals.createdAt);
}

/** The quorum as the UI draws it: one line per node, with progress and who approved. */
export interface DisplayNode {
  text: string;
  satisfied: boolean;
  have: number;
  need: number;
  approvedBy: string[];
  children: DisplayNode[];
}

function displayTree(node: AnnotatedQuorum, names: QuorumSnapshot['names']): DisplayNode {
  const children = node.kind === 'and' || node.kind === 'threshold' ? node.children.map((c) => displayTree(c, names)) : [];
  const text =
    node.kind === 'and'
      ? (node.label ?? 'All of')
      : node.kind === 'threshold'
        ? `${node.label ? `${node.label}: ` : ''}${node.k} of ${node.children.length}`
        : describeQuorum(node, names);
  return { text, satisfied: node.satisfied, have: node.have, need: node.need, approvedBy: node.approvedBy.map((p) => principalName(p, names)), children };
}

/** Everything an approver needs to see about a request's approvals, from the viewer's side. */
export async function approvalStatus(db: DbOrTx, requestKind: 'transfer' | 'governance' | 'recovery', requestId: string, snapshot: QuorumSnapshot | null, viewer: Principal) {
  const rows = await decisionsFor(db, requestKind, requestId);
  const decisions = rows.map((r) => {
    const p = { kind: r.principalKind, id: r.principalId } as Principal;
    return { name: principalName(p, snapshot?.names ?? {}), principalKind: r.principalKind, decision: r.decision, at: r.createdAt.toISOString() };
  });
  const mine = rows.find((r) => r.principalKind === viewer.kind && r.principalId === viewer.id);
  if (!snapshot) return { tree: null, missing: [] as string[], decisions, eligible: false, myDecision: mine?.decision ?? null };
  const status = quorumStatus(snapshot, rows);
  let eligible = true;
  try {
    assertEligible(snapshot, viewer);
  } catch {
    eligible = false;
  }
  return { tree: displayTree(status.annotated, snapshot.names), missing: status.missing, decisions, eligible, myDecision: mine?.decision ?? null };
}

/** Who decided what on a request, without a quorum tree (organisation-level requests). */
export async function approvalStatusSimple(db: DbOrTx, requestKind: 'transfer' | 'governance' | 'recovery', requestId: string) {
  return (await decisionsFor(db, requestKind, requestId)).map((r) => ({ userId: r.principalId, decision: r.decision, at: r.createdAt.toISOString() }));
}
