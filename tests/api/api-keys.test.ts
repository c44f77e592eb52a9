/**
 * API keys end to end, over the real HTTP handler: secrets shown once and stored hashed, bearer
 * authentication (never falling back to the cookie), scopes, wallet roles from wallet_api_keys,
 * an API key as initiator on a funded bcoin regtest wallet, and API keys as approvers signing the
 * request digest with Ed25519 (the SDK in lib/approvals) and P-256 (WebCrypto, via the standalone
 * example in docs/examples/approval-bot.ts).
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, approvals, auditEvents, transferRequests, walletApiKeys, walletMembers, walletPolicies, wallets } from '@/db/schema';
import { API_TOKEN_RE, type ApiScope } from '@/lib/api-keys';
import {
  apiKeyPublicKey,
  approvalDigest,
  normalizeApprovalRequest,
  signApprovalWithApiKey,
  toBase64url,
  verifyApprovalProof,
  type ApprovalRequestInput,
} from '@/lib/approvals';
import { deriveAddress, generateWalletKey } from '@/lib/crypto';
import type { WalletRole } from '@/lib/roles';
import { hashToken } from '@/server/auth/tokens';
import type { BitcoinChain } from '@/server/chains/bitcoin/types';
import { policyHash, type PolicyDocument, type QuorumNode } from '@/server/policy';
import { appRouter } from '@/server/routers/_app';
import { exportProof } from '@/server/services/approvals';
import { grantApiKeyWalletRole, revokeApiKeyWalletRole } from '@/server/services/api-keys';
import { initialPolicy } from '@/server/services/policies';
import { transferApprovalRequest } from '@/server/services/transfers';
import type { Meta } from '@/server/trpc';
import * as bot from '../../docs/examples/approval-bot';
import { expectApiError, TestApp, testCoSigner, uniqueEmail, type Browser } from '../helpers/api';
import { apiClient, callWithAuth, type ApiClient } from '../helpers/api-client';
import { startBcoinNode, type TestBcoinNode } from '../helpers/bcoin';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { documentedResponse } from '../helpers/openapi';
import { createActiveWallet } from '../helpers/wallet';

let db: TestDb;
let node: TestBcoinNode;
let chain: BitcoinChain;
let app: TestApp;
let admin: Browser;
let adminUserId: string;
let walletId: string;
let bWalletId: string;

const ALL_SCOPES: ApiScope[] = ['wallets:read', 'transfers:read', 'transfers:create', 'transfers:approve'];
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const external = () => deriveAddress([generateWalletKey('regtest').origin, generateWalletKey('regtest').origin, generateWalletKey('regtest').origin], 'regtest', 0, 0).address;
const FAKE_ASSERTION = { id: 'AAAA', rawId: 'AAAA', type: 'public-key' as const, clientExtensionResults: {}, response: { clientDataJSON: 'AAAA', authenticatorData: 'AAAA', signature: 'AAAA' } };

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: 'query' | 'mutation'; meta?: Meta } }>).map(([path, p]) => ({
  path,
  type: p._def.type,
  meta: p._def.meta,
}));

interface Key {
  apiKeyId: string;
  token: string;
  prefix: string;
  api: ApiClient;
}

async function newKey(name: string, scopes: ApiScope[], opts: { role?: WalletRole; wallet?: string; signingKey?: { algorithm: 'ed25519' | 'p256'; publicKey: string } } = {}): Promise<Key> {
  const created = await admin.api.apiKeys.create.mutate({ name, scopes, expiresAt: inDays(30), signingKey: opts.signingKey ?? null });
  if (opts.role) {
    await db.db.transaction((tx) => grantApiKeyWalletRole(tx, opts.wallet ?? walletId, created.apiKeyId, opts.role!, { actorUserId: adminUserId }));
  }
  return { ...created, api: apiClient(app, created.token) };
}

/** Makes `document` the wallet's active policy (the governance workflow is not under test here). */
async function setPolicy(document: PolicyDocument) {
  await db.db.transaction(async (tx) => {
    const rows = await tx.select({ version: walletPolicies.version }).from(walletPolicies).where(eq(walletPolicies.walletId, walletId));
    await tx.update(walletPolicies).set({ state: 'superseded' }).where(and(eq(walletPolicies.walletId, walletId), eq(walletPolicies.state, 'active')));
    await tx.insert(walletPolicies).values({ walletId, version: Math.max(0, ...rows.map((r) => r.version)) + 1, document, hash: policyHash(document), state: 'active', activatedAt: new Date() });
  });
}

async function transferRow(id: string) {
  return (await db.db.select().from(transferRequests).where(eq(transferRequests.id, id)))[0]!;
}

/** The stored approval of `principalId` verifies with the independent verifier, as an auditor would run it. */
async function assertStoredProofVerifies(transferId: string, principalId: string, algorithm: 'ed25519' | 'p256') {
  const t = await transferRow(transferId);
  const [wallet] = await db.db.select().from(wallets).where(eq(wallets.id, t.walletId));
  const [row] = await db.db.select().from(approvals).where(and(eq(approvals.requestId, transferId), eq(approvals.principalId, principalId)));
  expect(row).toMatchObject({ principalKind: 'api_key', decision: 'approve' });
  expect(row!.proof).toMatchObject({ kind: 'api_key', algorithm });
  const verdict = verifyApprovalProof(normalizeApprovalRequest(transferApprovalRequest(t, wallet!)), exportProof(row!, 'bot'), { rpId: app.config.rpId, origins: [app.config.APP_ORIGIN] });
  expect(verdict.ok).toBe(true);
  // The same proof over a different request does not verify (the check can fail).
  const other = { ...transferApprovalRequest(t, wallet!), feeCap: t.feeCapSats + 1n };
  expect(verifyApprovalProof(normalizeApprovalRequest(other), exportProof(row!, 'bot'), { rpId: app.config.rpId, origins: [app.config.APP_ORIGIN] }).ok).toBe(false);
}

beforeAll(async () => {
  [db, node] = await Promise.all([createTestDb(), startBcoinNode()]);
  chain = node.chain();
  app = new TestApp(db, undefined, async () => chain);
  admin = app.browser();
  adminUserId = (await admin.signup({ orgName: 'Keys Org', displayName: 'Ada', email: uniqueEmail('ada') }))!.userId;
  walletId = (await createActiveWallet(admin, 'Treasury')).walletId;
  // Org B and its wallet (inserted directly: only access to it is tested).
  const bAdmin = app.browser();
  const bMe = (await bAdmin.signup({ orgName: 'Other Org', displayName: 'Bo', email: uniqueEmail('bo') }))!;
  const [w] = await db.db.insert(wallets).values({ orgId: bMe.orgId, name: 'B Vault', chain: 'bitcoin', network: 'regtest', status: 'active', createdBy: bMe.userId }).returning();
  bWalletId = w!.id;
  await db.db.insert(walletMembers).values({ walletId: bWalletId, userId: bMe.userId, role: 'approver' });
}, 120_000);
afterAll(async () => {
  await node?.stop();
  await (await testCoSigner()).close();
  await db?.close();
});

describe('issuing keys', () => {
  it('shows the token once; the database holds only its SHA-256 and the prefix', async () => {
    const created = await admin.api.apiKeys.create.mutate({ name: 'Back office', scopes: ['wallets:read'], expiresAt: inDays(90) });
    const match = API_TOKEN_RE.exec(created.token);
    expect(match).not.toBeNull();
    expect(match![1]).toBe(created.prefix);
    const secret = match![2]!;

    const [row] = await db.db.select().from(apiKeys).where(eq(apiKeys.id, created.apiKeyId));
    expect(row!.secretHash).toBe(hashToken(created.token));
    // Every row of every table, as text: neither the token nor its secret part is anywhere.
    const tables = (await db.db.execute(sql.raw(`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`))) as unknown as { rows: { table_name: string }[] };
    let dump = '';
    for (const { table_name } of tables.rows) {
      const rows = (await db.db.execute(sql.raw(`select * from "${table_name}"`))) as unknown as { rows: unknown[] };
      dump += JSON.stringify(rows.rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    }
    expect(dump).toContain(row!.secretHash); // the dump is real
    expect(dump).toContain(created.prefix);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(created.token);

    const listed = await admin.api.apiKeys.list.query();
    const mine = listed.find((k) => k.id === created.apiKeyId)!;
    expect(mine).toMatchObject({ name: 'Back office', prefix: created.prefix, scopes: ['wallets:read'], status: 'active', lastUsedAt: null, revokedAt: null, createdByName: 'Ada' });
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(JSON.stringify(listed)).not.toContain(row!.secretHash);
    const audit = await db.db.select().from(auditEvents).where(eq(auditEvents.type, 'api_key.created'));
    expect(audit.map((a) => (a.payload as { apiKeyId: string }).apiKeyId)).toContain(created.apiKeyId);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('refuses expiries in the past or beyond a year, and malformed signing keys', async () => {
    const past = await expectApiError(() => admin.api.apiKeys.create.mutate({ name: 'x', scopes: ['wallets:read'], expiresAt: inDays(-1) }));
    expect(past.zodError?.fieldErrors.expiresAt?.join(' ')).toMatch(/future/);
    const far = await expectApiError(() => admin.api.apiKeys.create.mutate({ name: 'x', scopes: ['wallets:read'], expiresAt: inDays(400) }));
    expect(far.zodError?.fieldErrors.expiresAt?.join(' ')).toMatch(/one year/);
    const none = await expectApiError(() => admin.api.apiKeys.create.mutate({ name: 'x', scopes: [], expiresAt: inDays(1) }));
    expect(none.zodError?.fieldErrors.scopes).toBeTruthy();
    for (const signingKey of [
      { algorithm: 'ed25519' as const, publicKey: toBase64url(new Uint8Array(31).fill(7)) },
      { algorithm: 'p256' as const, publicKey: toBase64url(new Uint8Array(33).fill(5)) },
      // A valid Ed25519 key registered as P-256 is still refused (wrong length and not a point).
      { algorithm: 'p256' as const, publicKey: toBase64url(apiKeyPublicKey('ed25519', new Uint8Array(32).fill(1))) },
    ]) {
      const err = await expectApiError(() => admin.api.apiKeys.create.mutate({ name: 'x', scopes: ['transfers:approve'], expiresAt: inDays(1), signingKey }));
      expect(err.appCode, JSON.stringify(signingKey)).toBe('API_SIGNING_KEY_INVALID');
    }
    expect((await admin.api.apiKeys.list.query()).filter((k) => k.name === 'x')).toHaveLength(0);
  });

  it('sets, replaces and removes the signing key (audited); a revoked key cannot be changed', async () => {
    const k = await newKey('Signer', ['transfers:approve']);
    const ed = toBase64url(apiKeyPublicKey('ed25519', new Uint8Array(32).fill(9)));
    const p = toBase64url(apiKeyPublicKey('p256', new Uint8Array(32).fill(9)));
    expect(await admin.api.apiKeys.setSigningKey.mutate({ apiKeyId: k.apiKeyId, signingKey: { algorithm: 'ed25519', publicKey: ed } })).toEqual({ signingAlgorithm: 'ed25519', signingPublicKey: ed });
    expect(await admin.api.apiKeys.setSigningKey.mutate({ apiKeyId: k.apiKeyId, signingKey: { algorithm: 'p256', publicKey: p } })).toEqual({ signingAlgorithm: 'p256', signingPublicKey: p });
    expect(await admin.api.apiKeys.setSigningKey.mutate({ apiKeyId: k.apiKeyId, signingKey: null })).toEqual({ signingAlgorithm: null, signingPublicKey: null });
    const types = (await db.db.select().from(auditEvents)).filter((e) => (e.payload as { apiKeyId?: string }).apiKeyId === k.apiKeyId).map((e) => e.type);
    expect(types).toEqual(['api_key.created', 'api_key.signing_key_set', 'api_key.signing_key_set', 'api_key.signing_key_removed']);
    await admin.api.apiKeys.revoke.mutate({ apiKeyId: k.apiKeyId });
    expect((await expectApiError(() => admin.api.apiKeys.setSigningKey.mutate({ apiKeyId: k.apiKeyId, signingKey: { algorithm: 'ed25519', publicKey: ed } }))).appCode).toBe('API_KEY_STATE');
  });
});

describe('authentication', () => {
  it('a bad, unknown, revoked or expired key is UNAUTHORIZED with a typed code on every procedure', async () => {
    const revoked = await newKey('To revoke', ALL_SCOPES, { role: 'viewer' });
    const expired = await newKey('To expire', ALL_SCOPES, { role: 'viewer' });
    expect(await revoked.api.wallets.list.query()).toHaveLength(1); // works before
    await admin.api.apiKeys.revoke.mutate({ apiKeyId: revoked.apiKeyId });
    await db.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, expired.apiKeyId));
    const unknown = `ks_${revoked.prefix}_${'A'.repeat(43)}`;
    const cases: [string, string][] = [
      [`Bearer ${revoked.token}`, 'API_KEY_REVOKED'],
      [`Bearer ${expired.token}`, 'API_KEY_EXPIRED'],
      [`Bearer ${unknown}`, 'API_KEY_INVALID'],
      ['Bearer not-a-key', 'API_KEY_INVALID'],
      ['Bearer', 'API_KEY_INVALID'],
      [`bearer ${revoked.token.slice(0, -1)}`, 'API_KEY_INVALID'],
    ];
    for (const p of procedures) {
      for (const [authorization, appCode] of cases) {
        const res = await callWithAuth(app, authorization, p.path, p.type, {});
        expect(res.status, `${authorization} → ${p.path}`).toBe(401);
        expect(res.body.error?.data, `${authorization} → ${p.path}`).toMatchObject({ code: 'UNAUTHORIZED', appCode });
      }
    }
    const listed = await admin.api.apiKeys.list.query();
    expect(listed.find((k) => k.id === revoked.apiKeyId)!.status).toBe('revoked');
    expect(listed.find((k) => k.id === expired.apiKeyId)!.status).toBe('expired');
  });

  it('never falls back to the cookie when a bearer header is present; other schemes are ignored', async () => {
    const bad = await callWithAuth(app, 'Bearer ks_00000000_' + 'B'.repeat(43), 'auth.me', 'query', undefined, { cookie: admin.cookie });
    expect(bad.status).toBe(401);
    expect(bad.body.error?.data.appCode).toBe('API_KEY_INVALID');
    // A valid key with a person's cookie is the key: a people-only procedure refuses it.
    const k = await newKey('With cookie', ALL_SCOPES);
    const members = await callWithAuth(app, `Bearer ${k.token}`, 'members.list', 'query', {}, { cookie: admin.cookie });
    expect(members.status).toBe(403);
    expect(members.body.error?.data.appCode).toBe('API_KEY_NOT_ALLOWED');
    // Basic auth (e.g. a proxy in front of the app) is not ours: the cookie session still works.
    const basic = await callWithAuth(app, 'Basic dXNlcjpwYXNz', 'auth.me', 'query', undefined, { cookie: admin.cookie });
    expect(basic.status).toBe(200);
    expect(basic.body.result?.data).toMatchObject({ userId: adminUserId });
  });

  it('an API key may call only the API-enabled procedures: everything else is FORBIDDEN', async () => {
    const k = await newKey('Everything', ALL_SCOPES, { role: 'approver' });
    const closed = procedures.filter((p) => !p.meta?.apiScope);
    expect(closed.length).toBeGreaterThan(30);
    for (const p of closed) {
      const res = await callWithAuth(app, `Bearer ${k.token}`, p.path, p.type, p.path.startsWith('transfers.') || p.path.startsWith('wallets.') ? { walletId } : {});
      expect(res.status, p.path).toBe(403);
      expect(res.body.error?.data.appCode, p.path).toBe('API_KEY_NOT_ALLOWED');
    }
    // Bearer mutations need no Origin (no cookie, so no CSRF); this one got past the Origin check.
    const cancel = await callWithAuth(app, `Bearer ${k.token}`, 'transfers.cancel', 'mutation', { walletId, transferId: crypto.randomUUID() });
    expect(cancel.body.error?.data.appCode).toBe('NOT_FOUND');
    // The cookie path keeps its Origin check (callWithAuth sends none).
    const noOrigin = await callWithAuth(app, null, 'transfers.cancel', 'mutation', { walletId, transferId: crypto.randomUUID() }, { cookie: admin.cookie });
    expect(noOrigin.body.error?.data.appCode).toBe('ORIGIN_MISMATCH');
  });

  it('records lastUsedAt at most once a minute', async () => {
    const k = await newKey('Busy', ['wallets:read']);
    await k.api.wallets.list.query();
    const first = (await db.db.select().from(apiKeys).where(eq(apiKeys.id, k.apiKeyId)))[0]!.lastUsedAt;
    expect(first).toBeInstanceOf(Date);
    const recent = new Date(Date.now() - 30_000);
    await db.db.update(apiKeys).set({ lastUsedAt: recent }).where(eq(apiKeys.id, k.apiKeyId));
    await k.api.wallets.list.query();
    expect((await db.db.select().from(apiKeys).where(eq(apiKeys.id, k.apiKeyId)))[0]!.lastUsedAt).toEqual(recent);
    const old = new Date(Date.now() - 120_000);
    await db.db.update(apiKeys).set({ lastUsedAt: old }).where(eq(apiKeys.id, k.apiKeyId));
    await k.api.wallets.list.query();
    expect((await db.db.select().from(apiKeys).where(eq(apiKeys.id, k.apiKeyId)))[0]!.lastUsedAt!.getTime()).toBeGreaterThan(old.getTime() + 60_000);
  });
});

describe('scopes and wallet roles', () => {
  it('enforces scopes per procedure', async () => {
    const reader = await newKey('Reader', ['wallets:read'], { role: 'approver' });
    expect((await reader.api.wallets.get.query({ walletId })).myRole).toBe('approver');
    await reader.api.wallets.balance.query({ walletId });
    await reader.api.wallets.addresses.query({ walletId });
    await reader.api.wallets.transactions.query({ walletId });
    for (const call of [
      () => reader.api.transfers.list.query({ walletId }),
      () => reader.api.transfers.create.mutate({ walletId, outputs: [{ address: external(), amount: '0.1' }], feeRateSatVb: 2 }),
      () => reader.api.transfers.approvalOptions.query({ walletId, transferId: crypto.randomUUID(), decision: 'approve' }),
    ]) {
      const err = await expectApiError(call);
      expect(err).toMatchObject({ code: 'FORBIDDEN', appCode: 'API_KEY_SCOPE' });
    }
    const transfersOnly = await newKey('Transfers only', ['transfers:read'], { role: 'approver' });
    expect(await transfersOnly.api.transfers.list.query({ walletId })).toEqual([]);
    expect((await expectApiError(() => transfersOnly.api.wallets.list.query())).appCode).toBe('API_KEY_SCOPE');
  });

  it('a key sees only wallets it has a role on, and never another organisation’s', async () => {
    const k = await newKey('No role', ALL_SCOPES);
    expect(await k.api.wallets.list.query()).toEqual([]);
    expect((await expectApiError(() => k.api.wallets.get.query({ walletId }))).appCode).toBe('NOT_FOUND');
    expect((await expectApiError(() => k.api.transfers.list.query({ walletId }))).appCode).toBe('NOT_FOUND');
    // Another organisation's wallet cannot be granted, and is NOT_FOUND to the key.
    await expect(db.db.transaction((tx) => grantApiKeyWalletRole(tx, bWalletId, k.apiKeyId, 'approver'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await db.db.insert(walletApiKeys).values({ walletId: bWalletId, apiKeyId: k.apiKeyId, role: 'approver' }); // even if a row slipped in
    for (const call of [() => k.api.wallets.get.query({ walletId: bWalletId }), () => k.api.transfers.list.query({ walletId: bWalletId }), () => k.api.wallets.balance.query({ walletId: bWalletId })]) {
      expect((await expectApiError(call)).appCode).toBe('NOT_FOUND');
    }
    expect(await k.api.wallets.list.query()).toEqual([]);
    await db.db.delete(walletApiKeys).where(eq(walletApiKeys.walletId, bWalletId));
    // Granted, then revoked (both audited).
    await db.db.transaction((tx) => grantApiKeyWalletRole(tx, walletId, k.apiKeyId, 'viewer', { actorUserId: adminUserId }));
    expect((await k.api.wallets.list.query()).map((w) => [w.id, w.myRole])).toEqual([[walletId, 'viewer']]);
    expect((await expectApiError(() => k.api.transfers.create.mutate({ walletId, outputs: [{ address: external(), amount: '0.1' }], feeRateSatVb: 2 }))).appCode).toBe('FORBIDDEN_ROLE');
    expect(await db.db.transaction((tx) => revokeApiKeyWalletRole(tx, walletId, k.apiKeyId))).toBe(true);
    expect(await k.api.wallets.list.query()).toEqual([]);
    const types = (await db.db.select().from(auditEvents)).filter((e) => (e.payload as { apiKeyId?: string }).apiKeyId === k.apiKeyId).map((e) => e.type);
    expect(types).toEqual(['api_key.created', 'wallet.api_key_role_granted', 'wallet.api_key_role_revoked']);
  });

  it('batched requests authenticate each call with the key', async () => {
    const k = await newKey('Batch', ['wallets:read', 'transfers:read'], { role: 'viewer' });
    const batched = apiClient(app, k.token, { batch: true });
    const [list, detail] = await Promise.all([batched.wallets.list.query(), batched.wallets.get.query({ walletId })]);
    expect(list).toHaveLength(1);
    expect(detail.myRole).toBe('viewer');
  });
});

describe('an API key as initiator', () => {
  it('creates a transfer (the key is the initiator), a person approves it; the key cancels its own requests only', async () => {
    for (let i = 0; i < 3; i++) await admin.api.wallets.faucet.mutate({ walletId }); // one coin per open request
    const k = await newKey('Payouts', ['wallets:read', 'transfers:read', 'transfers:create'], { role: 'initiator' });
    const to = external();
    const t = await k.api.transfers.create.mutate({ walletId, outputs: [{ address: to, amount: '0.25' }], feeRateSatVb: 3 });
    expect(t).toMatchObject({ state: 'pending_approval', initiatorApiKeyId: k.apiKeyId, initiatorId: null, outputs: [{ address: to, valueSats: '25000000' }] });
    const detail = await k.api.transfers.get.query({ walletId, transferId: t.id });
    expect(detail.approval).toMatchObject({ eligible: false, myDecision: null }); // the default quorum is the wallet's (human) approvers
    // A person approves it with their passkey as usual.
    expect((await admin.decideTransfer(walletId, t.id)).state).toBe('approved');
    expect((await k.api.transfers.list.query({ walletId })).map((x) => x.id)).toContain(t.id);

    const second = await k.api.transfers.create.mutate({ walletId, outputs: [{ address: external(), amount: '0.1' }], feeRateSatVb: 3 });
    const mine = await admin.api.transfers.create.mutate({ walletId, outputs: [{ address: external(), amount: '0.1' }], feeRateSatVb: 3 });
    expect((await expectApiError(() => k.api.transfers.cancel.mutate({ walletId, transferId: mine.id }))).appCode).toBe('FORBIDDEN_ROLE');
    expect((await expectApiError(() => admin.api.transfers.cancel.mutate({ walletId, transferId: second.id }))).appCode).toBe('FORBIDDEN_ROLE');
    expect((await k.api.transfers.cancel.mutate({ walletId, transferId: second.id })).state).toBe('cancelled');
    await admin.api.transfers.cancel.mutate({ walletId, transferId: mine.id });
    // Signing stays with people.
    const sign = await callWithAuth(app, `Bearer ${k.token}`, 'transfers.signingData', 'mutation', { walletId, transferId: t.id });
    expect(sign.body.error?.data.appCode).toBe('API_KEY_NOT_ALLOWED');
  });
});

describe('API keys as approvers', () => {
  let edSeed: Uint8Array;
  let edKey: Key;
  let p256Pair: CryptoKeyPair;
  let p256Key: Key;

  beforeAll(async () => {
    edSeed = crypto.getRandomValues(new Uint8Array(32));
    edKey = await newKey('AML (Ed25519)', ['transfers:read', 'transfers:approve'], { role: 'approver', signingKey: { algorithm: 'ed25519', publicKey: toBase64url(apiKeyPublicKey('ed25519', edSeed)) } });
    p256Pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    // The signing key is registered before the key becomes an approver (it cannot change after).
    p256Key = await newKey('KYC (P-256)', ['transfers:read', 'transfers:approve'], { role: 'approver', signingKey: { algorithm: 'p256', publicKey: await bot.exportPublicKey(p256Pair.publicKey) } });
    // Either automated check completes the quorum (people's wallet_approvers do not count here).
    const quorum: QuorumNode = { kind: 'threshold', k: 1, children: [{ kind: 'api_key', apiKeyId: edKey.apiKeyId }, { kind: 'api_key', apiKeyId: p256Key.apiKeyId }] };
    await setPolicy({ ...initialPolicy(), quorums: { default: quorum } });
  });

  async function pendingTransfer() {
    await admin.api.wallets.faucet.mutate({ walletId });
    const t = await admin.api.transfers.create.mutate({ walletId, outputs: [{ address: external(), amount: '0.05' }], feeRateSatVb: 2 });
    expect(t.state).toBe('pending_approval');
    return t;
  }

  it('Ed25519: the key signs the digest (lib/approvals SDK); refusals for wrong signatures and wrong evidence kinds', async () => {
    const t = await pendingTransfer();
    const opts = await edKey.api.transfers.approvalOptions.query({ walletId, transferId: t.id, decision: 'approve' });
    const request = opts.request as unknown as ApprovalRequestInput;
    const digest = approvalDigest({ ...request, decision: 'approve' });
    expect(Buffer.from(digest).toString('hex')).toBe(opts.digest);
    const get = await edKey.api.transfers.get.query({ walletId, transferId: t.id });
    expect(get.approval).toMatchObject({ eligible: true, myDecision: null });

    const wrong: [string, string][] = [
      // The reject digest's signature is not an approval.
      ['reject digest', toBase64url(signApprovalWithApiKey(approvalDigest({ ...request, decision: 'reject' }), 'ed25519', edSeed))],
      ['other key', toBase64url(signApprovalWithApiKey(digest, 'ed25519', crypto.getRandomValues(new Uint8Array(32))))],
      ['garbage', toBase64url(crypto.getRandomValues(new Uint8Array(64)))],
      ['too short', toBase64url(crypto.getRandomValues(new Uint8Array(20)))],
    ];
    for (const [what, signature] of wrong) {
      const err = await expectApiError(() => edKey.api.transfers.approve.mutate({ walletId, transferId: t.id, signature }));
      expect(err.appCode, what).toBe('APPROVAL_INVALID');
    }
    // A key cannot use a passkey; a person cannot use a raw signature; never both.
    const good = toBase64url(signApprovalWithApiKey(digest, 'ed25519', edSeed));
    expect((await expectApiError(() => edKey.api.transfers.approve.mutate({ walletId, transferId: t.id, passkey: FAKE_ASSERTION }))).appCode).toBe('APPROVAL_INVALID');
    expect((await expectApiError(() => admin.api.transfers.approve.mutate({ walletId, transferId: t.id, signature: good }))).appCode).toBe('APPROVAL_INVALID');
    const both = await expectApiError(() => edKey.api.transfers.approve.mutate({ walletId, transferId: t.id, signature: good, passkey: FAKE_ASSERTION }));
    expect(both.code).toBe('BAD_REQUEST');
    // Not in the quorum: a person with a role is not eligible under this policy.
    expect((await expectApiError(() => admin.decideTransfer(walletId, t.id))).appCode).toBe('APPROVAL_NOT_ELIGIBLE');
    expect(await db.db.select().from(approvals).where(eq(approvals.requestId, t.id))).toHaveLength(0);
    expect((await transferRow(t.id)).state).toBe('pending_approval');

    const approved = await edKey.api.transfers.approve.mutate({ walletId, transferId: t.id, signature: good });
    expect(approved.state).toBe('approved');
    await assertStoredProofVerifies(t.id, edKey.apiKeyId, 'ed25519');
    const audit = (await db.db.select().from(auditEvents)).filter((e) => (e.payload as { transferId?: string }).transferId === t.id).map((e) => [e.type, e.actorUserId, (e.payload as { principal?: unknown }).principal ?? null]);
    expect(audit).toContainEqual(['transfer.approval_added', null, { kind: 'api_key', id: edKey.apiKeyId }]);
    // Cancelled by its (human) initiator to free the coin for the next case.
    await admin.api.transfers.cancel.mutate({ walletId, transferId: t.id });
  });

  it('P-256: the standalone example bot (WebCrypto) recomputes the digest, checks it and approves', async () => {
    const t = await pendingTransfer();
    const api: bot.KeysteadApi = { baseUrl: 'http://localhost:3000', token: p256Key.token, fetch: ((url: string, init?: RequestInit) => app.handler(new Request(url, init))) as typeof fetch };
    const seen: bot.ApprovalRequest[] = [];
    const result = await bot.decideTransfer(api, p256Pair.privateKey, walletId, t.id, async (request) => {
      seen.push(request);
      return request.outputs.every((o) => BigInt(o.amount) <= 10_000_000n) ? 'approve' : 'reject';
    });
    expect(seen[0]).toMatchObject({ walletId, requestId: t.id, requestKind: 'transfer', outputs: [{ amount: '5000000' }] });
    expect(result).toMatchObject({ id: t.id, state: 'approved' });
    await assertStoredProofVerifies(t.id, p256Key.apiKeyId, 'p256');
    // The bot's own digest equals lib/approvals' (same algorithm, independent code).
    const request = seen[0]!;
    expect(bot.toHex(await bot.approvalDigest(request, 'reject'))).toBe(Buffer.from(approvalDigest({ ...request, decision: 'reject' })).toString('hex'));
    // Deciding again: the transfer is no longer pending, typed error surfaces through the example.
    await expect(bot.decideTransfer(api, p256Pair.privateKey, walletId, t.id, async () => 'approve')).rejects.toMatchObject({ appCode: 'TRANSFER_STATE', status: 412 });
    await admin.api.transfers.cancel.mutate({ walletId, transferId: t.id });
  });

  it('P-256: a rejection by the bot vetoes; the bot refuses to sign a digest it cannot reproduce', async () => {
    const t = await pendingTransfer();
    const api: bot.KeysteadApi = { baseUrl: 'http://localhost:3000', token: p256Key.token, fetch: ((url: string, init?: RequestInit) => app.handler(new Request(url, init))) as typeof fetch };
    // A server that lies about the digest: the bot does not sign.
    const lying: bot.KeysteadApi = {
      ...api,
      fetch: (async (url: string, init?: RequestInit) => {
        const res = await app.handler(new Request(url, init));
        if (!String(url).includes('approvalOptions')) return res;
        const body = (await res.json()) as { result: { data: { digest: string } } };
        body.result.data.digest = '00'.repeat(32);
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      }) as typeof fetch,
    };
    await expect(bot.decideTransfer(lying, p256Pair.privateKey, walletId, t.id, async () => 'approve')).rejects.toThrow(/digest mismatch/);
    expect(await db.db.select().from(approvals).where(eq(approvals.requestId, t.id))).toHaveLength(0);
    const rejected = await bot.decideTransfer(api, p256Pair.privateKey, walletId, t.id, async () => 'reject');
    expect(rejected).toMatchObject({ state: 'rejected' });
    const [row] = await db.db.select().from(approvals).where(eq(approvals.requestId, t.id));
    expect(row).toMatchObject({ principalKind: 'api_key', principalId: p256Key.apiKeyId, decision: 'reject' });
  });

  it('a revoked approver key can no longer approve', async () => {
    const t = await pendingTransfer();
    const opts = await edKey.api.transfers.approvalOptions.query({ walletId, transferId: t.id, decision: 'approve' });
    const signature = toBase64url(signApprovalWithApiKey(approvalDigest({ ...(opts.request as unknown as ApprovalRequestInput), decision: 'approve' }), 'ed25519', edSeed));
    await admin.api.apiKeys.revoke.mutate({ apiKeyId: edKey.apiKeyId });
    expect((await expectApiError(() => edKey.api.transfers.approve.mutate({ walletId, transferId: t.id, signature }))).appCode).toBe('API_KEY_REVOKED');
    expect((await transferRow(t.id)).state).toBe('pending_approval');
  });
});

describe('the wire format is what docs/openapi.json documents', () => {
  it('responses of every API-enabled procedure, and errors, validate against the document', async () => {
    const k = await newKey('Documented', ALL_SCOPES, { role: 'approver' });
    const auth = `Bearer ${k.token}`;
    const ok = async (path: string, type: 'query' | 'mutation', input: unknown) => {
      const res = await callWithAuth(app, auth, path, type, input);
      expect(res.status, `${path}: ${JSON.stringify(res.body.error?.data)}`).toBe(200);
      const parsed = documentedResponse(path, 200).safeParse(res.body);
      expect(parsed.success, `${path}: ${parsed.error?.message}`).toBe(true);
      return (res.body.result as { data: unknown }).data;
    };
    await ok('wallets.list', 'query', undefined);
    await ok('wallets.get', 'query', { walletId });
    await ok('wallets.balance', 'query', { walletId });
    await ok('wallets.transactions', 'query', { walletId });
    await ok('wallets.addresses', 'query', { walletId });
    const transfers = (await ok('transfers.list', 'query', { walletId })) as { id: string }[];
    expect(transfers.length).toBeGreaterThan(0);
    for (const t of transfers.slice(0, 3)) await ok('transfers.get', 'query', { walletId, transferId: t.id });
    await admin.api.wallets.faucet.mutate({ walletId });
    const created = (await ok('transfers.create', 'mutation', { walletId, outputs: [{ address: external(), amount: '0.01' }], feeRateSatVb: 2 })) as { id: string };
    await ok('transfers.approvalOptions', 'query', { walletId, transferId: created.id, decision: 'reject' });
    await ok('transfers.cancel', 'mutation', { walletId, transferId: created.id });
    // Documented errors, including a validation failure (appCode null, zodError set).
    const errors: [string, 'query' | 'mutation', unknown, string | null, number][] = [
      ['transfers.get', 'query', { walletId: bWalletId, transferId: crypto.randomUUID() }, auth, 404],
      ['transfers.approve', 'mutation', { walletId, transferId: created.id, signature: 'AAAAAAAAAAAAAAAAAAAAAA' }, auth, 412],
      ['transfers.create', 'mutation', { walletId, outputs: [] }, auth, 400],
      ['wallets.list', 'query', undefined, 'Bearer nope', 401],
      ['wallets.get', 'query', { walletId }, `Bearer ${(await newKey('Scopeless', ['transfers:read'])).token}`, 403],
    ].map(([p, t, i, a, s]) => [p, t, i, a, s] as [string, 'query' | 'mutation', unknown, string | null, number]);
    for (const [path, type, input, authorization, status] of errors) {
      const res = await callWithAuth(app, authorization, path, type, input);
      expect(res.status, path).toBe(status);
      const parsed = documentedResponse(path, status).safeParse(res.body);
      expect(parsed.success, `${path} ${status}: ${parsed.error?.message}`).toBe(true);
    }
  });
});
