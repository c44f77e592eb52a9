/**
 * A wallet's policy versions and what the pure engine (server/policy) needs to evaluate a
 * request: the directory (people, API keys, groups, wallet approvers, whitelist) and the
 * velocity history, read from the database.
 */
import { and, asc, eq, gt, gte, inArray, isNull, ne } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { apiKeys, memberships, principalGroupMembers, principalGroups, transferRequests, users, walletApiKeys, walletMembers, walletPolicies, whitelistEntries } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { defaultPolicy, isPolicyError, policyHash, validatePolicy, type DirectoryGroup, type HistoryEntry, type PolicyDirectory, type PolicyDocument, type Principal, type WhitelistEntry } from '../policy';

export interface ActivePolicy {
  id: string;
  version: number;
  document: PolicyDocument;
  hash: string;
}

/**
 * A new wallet's first policy: one approval by any of the wallet's approvers. Self-approval is
 * allowed so that a one-person wallet works from the start (1-of-1); the UI says so, and a
 * stricter version replaces it once the quorum approves that.
 */
export function initialPolicy(): PolicyDocument {
  return { ...defaultPolicy(), allowSelfApproval: true };
}

/** The active version; a wallet that has none yet gets version 1 (initialPolicy). */
export async function activePolicy(db: DbOrTx, walletId: string): Promise<ActivePolicy> {
  const find = async () => (await db.select().from(walletPolicies).where(and(eq(walletPolicies.walletId, walletId), eq(walletPolicies.state, 'active'))))[0];
  let row = await find();
  if (!row) {
    const document = initialPolicy();
    await db
      .insert(walletPolicies)
      .values({ walletId, version: 1, document, hash: policyHash(document), state: 'active', activatedAt: new Date() })
      .onConflictDoNothing();
    row = await find();
  }
  return { id: row!.id, version: row!.version, document: row!.document as PolicyDocument, hash: row!.hash };
}

export async function listPolicyVersions(db: Db, walletId: string) {
  return db.select().from(walletPolicies).where(eq(walletPolicies.walletId, walletId)).orderBy(asc(walletPolicies.version));
}

/** Everyone and everything a policy of this wallet may name, as the engine wants it. */
export async function policyDirectory(db: DbOrTx, wallet: { id: string; orgId: string }, now = new Date()): Promise<PolicyDirectory> {
  const people = await db
    .select({ id: users.id, name: users.displayName })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, wallet.orgId), eq(memberships.status, 'active')));
  const keys = await db
    .select({ id: apiKeys.id, name: apiKeys.name })
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, wallet.orgId), isNull(apiKeys.revokedAt), gt(apiKeys.expiresAt, now)));
  const active = new Set(people.map((p) => p.id));
  const approvers = (await db.select({ userId: walletMembers.userId }).from(walletMembers).where(and(eq(walletMembers.walletId, wallet.id), eq(walletMembers.role, 'approver'))))
    .map((r) => r.userId)
    .filter((id) => active.has(id));

  const groupRows = await db.select().from(principalGroups).where(eq(principalGroups.orgId, wallet.orgId));
  const groups = new Map<string, DirectoryGroup>();
  if (groupRows.length) {
    const members = await db.select().from(principalGroupMembers).where(inArray(principalGroupMembers.groupId, groupRows.map((g) => g.id)));
    for (const g of groupRows) {
      groups.set(g.id, { name: g.name, members: members.filter((m) => m.groupId === g.id).map((m) => ({ kind: m.kind, id: m.memberId })) });
    }
  }

  const whitelist = new Map<string, WhitelistEntry>();
  for (const e of await db.select().from(whitelistEntries).where(and(eq(whitelistEntries.walletId, wallet.id), eq(whitelistEntries.state, 'active')))) {
    whitelist.set(e.address, { label: e.label, usableFrom: e.usableFrom ?? e.createdAt });
  }
  return {
    users: new Map(people.map((p) => [p.id, { name: p.name }])),
    apiKeys: new Map(keys.map((k) => [k.id, { name: k.name }])),
    walletApprovers: approvers,
    groups,
    whitelist,
  };
}

/** Display names of everyone a policy may name, as plain records (for explanations and the UI). */
export function directoryNames(directory: PolicyDirectory): { users: Record<string, { name: string }>; apiKeys: Record<string, { name: string }>; groups: Record<string, { name: string }> } {
  const table = (m: PolicyDirectory['users'] | PolicyDirectory['groups']) => Object.fromEntries([...(m instanceof Map ? m : Object.entries(m))].map(([id, v]) => [id, { name: (v as { name: string }).name }]));
  return { users: table(directory.users), apiKeys: table(directory.apiKeys), groups: table(directory.groups) };
}

/** Longest velocity window the schema allows (90 days). */
const HISTORY_DAYS = 90;
/** States whose amounts count towards velocity limits: everything that was not stopped. A
 * replaced transfer is left out because its fee bump carries the same payments. */
const COUNTED = ['pending_approval', 'approved', 'signing', 'cosigned', 'broadcast', 'confirmed'] as const;

/** Only the widest velocity window the policy uses is loaded (none when it has no velocity rule). */
export async function velocityHistory(db: DbOrTx, walletId: string, now = new Date(), windowHours = HISTORY_DAYS * 24): Promise<HistoryEntry[]> {
  if (windowHours <= 0) return [];
  const since = new Date(now.getTime() - windowHours * 3600 * 1000);
  const rows = await db
    .select({ id: transferRequests.id, initiatorId: transferRequests.initiatorId, initiatorApiKeyId: transferRequests.initiatorApiKeyId, outputs: transferRequests.outputs, at: transferRequests.createdAt })
    .from(transferRequests)
    .where(and(eq(transferRequests.walletId, walletId), inArray(transferRequests.state, [...COUNTED]), gte(transferRequests.createdAt, since), ne(transferRequests.state, 'draft')))
    .orderBy(asc(transferRequests.createdAt));
  return rows.map((r) => ({
    requestId: r.id,
    initiator: principalOf(r),
    amount: (r.outputs as { valueSats: string }[]).reduce((sum, o) => sum + BigInt(o.valueSats), 0n),
    at: r.at,
  }));
}

export function principalOf(row: { initiatorId: string | null; initiatorApiKeyId: string | null }): Principal {
  return row.initiatorId ? { kind: 'user', id: row.initiatorId } : { kind: 'api_key', id: row.initiatorApiKeyId! };
}

/** Validates a proposed document against the wallet's directory; typed error with the path. */
export function checkPolicyDocument(raw: unknown, directory: PolicyDirectory): PolicyDocument {
  try {
    return validatePolicy(raw, directory);
  } catch (error) {
    if (isPolicyError(error)) throw new AppError('POLICY_INVALID', `${error.code}: ${error.message}`, { cause: error, userMessage: error.message });
    throw error;
  }
}

/** Wallet members (people and API keys) with their roles. */
export async function walletPrincipals(db: DbOrTx, walletId: string) {
  const people = await db
    .select({ userId: walletMembers.userId, role: walletMembers.role, name: users.displayName, email: users.email })
    .from(walletMembers)
    .innerJoin(users, eq(users.id, walletMembers.userId))
    .where(eq(walletMembers.walletId, walletId));
  const keys = await db
    .select({ apiKeyId: walletApiKeys.apiKeyId, role: walletApiKeys.role, name: apiKeys.name })
    .from(walletApiKeys)
    .innerJoin(apiKeys, eq(apiKeys.id, walletApiKeys.apiKeyId))
    .where(eq(walletApiKeys.walletId, walletId));
  return { people, keys };
}
