/**
 * Authorization, enumerated from the router itself: a procedure added later is covered (or
 * fails these tests until it is classified here).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, invites, memberships, passkeys, walletMembers, wallets, webhookDeliveries, webhooks } from '@/db/schema';
import { appRouter } from '@/server/routers/_app';
import type { Meta } from '@/server/trpc';
import { callByPath, TestApp, uniqueEmail, type Browser } from '../helpers/api';
import { createTestDb, type TestDb } from '../helpers/test-db';

interface ProcedureInfo {
  path: string;
  type: 'query' | 'mutation';
  meta: Meta | undefined;
  inputKeys: string[];
}

const procedures: ProcedureInfo[] = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: 'query' | 'mutation'; meta?: Meta; inputs: unknown[] } }>).map(
  ([path, proc]) => {
    const shape = (proc._def.inputs[0] as { def?: { innerType?: { shape?: object }; shape?: object }; shape?: object } | undefined) ?? {};
    const objectShape = shape.shape ?? shape.def?.shape ?? shape.def?.innerType?.shape ?? {};
    return { path, type: proc._def.type, meta: proc._def.meta, inputKeys: Object.keys(objectShape) };
  },
);

/** Reviewed list: anything else requires a session. */
const PUBLIC = ['auth.me', 'auth.signinFinish', 'auth.signinStart', 'auth.signupFinish', 'auth.signupStart', 'invites.acceptFinish', 'invites.acceptStart', 'invites.lookup'];

/** Reviewed role table for org-tier procedures. */
const ORG_ROLES: Record<string, string[]> = {
  'apiKeys.create': ['admin'],
  'apiKeys.list': ['admin'],
  'apiKeys.revoke': ['admin'],
  'apiKeys.setSigningKey': ['admin'],
  'audit.approvalProofs': ['admin', 'auditor'],
  'audit.export': ['admin', 'auditor'],
  'audit.list': ['admin', 'auditor'],
  'audit.verify': ['admin', 'auditor'],
  'groups.list': ['admin', 'auditor', 'member'],
  'groups.remove': ['admin'],
  'groups.save': ['admin'],
  'invites.create': ['admin'],
  'recovery.approvalOptions': ['admin'],
  'recovery.approve': ['admin'],
  'recovery.cancel': ['admin'],
  'recovery.list': ['admin'],
  'recovery.reject': ['admin'],
  'recovery.request': ['admin'],
  'recovery.reveal': ['admin'],
  'invites.list': ['admin'],
  'invites.reenrol': ['admin'],
  'invites.revoke': ['admin'],
  'members.changeRole': ['admin'],
  'members.deactivate': ['admin'],
  'members.reactivate': ['admin'],
  'wallets.createStart': ['admin', 'member'],
  'webhooks.create': ['admin'],
  'webhooks.deliveries': ['admin'],
  'webhooks.list': ['admin'],
  'webhooks.redeliver': ['admin'],
  'webhooks.remove': ['admin'],
  'webhooks.rotateSecret': ['admin'],
  'webhooks.test': ['admin'],
  'webhooks.update': ['admin'],
};

/** Reviewed wallet-role table for wallet-tier procedures. */
const WALLET_ROLES: Record<string, string[]> = {
  // Deciding is open to every wallet role at the tier; the frozen quorum decides who counts.
  'governance.approvalOptions': ['approver', 'initiator', 'viewer'],
  'governance.approve': ['approver', 'initiator', 'viewer'],
  'governance.cancel': ['approver', 'initiator'],
  'governance.get': ['approver', 'initiator', 'viewer'],
  'governance.list': ['approver', 'initiator', 'viewer'],
  'governance.reject': ['approver', 'initiator', 'viewer'],
  'policies.get': ['approver', 'initiator', 'viewer'],
  'policies.propose': ['approver'],
  'policies.version': ['approver', 'initiator', 'viewer'],
  'walletMembers.change': ['approver'],
  'walletMembers.changeApiKey': ['approver'],
  'walletMembers.list': ['approver', 'initiator', 'viewer'],
  'whitelist.list': ['approver', 'initiator', 'viewer'],
  'whitelist.propose': ['approver'],
  'whitelist.remove': ['approver'],
  'transfers.approvalOptions': ['approver', 'initiator', 'viewer'],
  'transfers.approve': ['approver', 'initiator', 'viewer'],
  'transfers.bump': ['approver', 'initiator'],
  'transfers.cancel': ['approver', 'initiator'],
  'transfers.create': ['approver', 'initiator'],
  'transfers.get': ['approver', 'initiator', 'viewer'],
  'transfers.list': ['approver', 'initiator', 'viewer'],
  'transfers.reject': ['approver', 'initiator', 'viewer'],
  // The signer is whoever completed the approvals (services/transfers maySign), of any role.
  'transfers.signingData': ['approver', 'initiator', 'viewer'],
  'transfers.submit': ['approver', 'initiator'],
  'transfers.submitSignature': ['approver', 'initiator', 'viewer'],
  'wallets.addresses': ['approver', 'initiator', 'viewer'],
  'wallets.balance': ['approver', 'initiator', 'viewer'],
  'wallets.faucet': ['approver', 'initiator'],
  'wallets.sync': ['approver', 'initiator', 'viewer'],
  'wallets.export': ['approver', 'initiator', 'viewer'],
  'wallets.transactions': ['approver', 'initiator', 'viewer'],
  'wallets.confirmKeycard': ['approver'],
  'wallets.createFinish': ['approver'],
  'wallets.get': ['approver', 'initiator', 'viewer'],
  'wallets.newAddress': ['approver', 'initiator'],
};

/**
 * Reviewed list of the procedures API keys may call, with the scope each needs (everything else
 * answers an API key with FORBIDDEN: tests/api/api-keys.test.ts). Signing stays people-only.
 */
const API_ENABLED: Record<string, string> = {
  'transfers.approvalOptions': 'transfers:approve',
  'transfers.approve': 'transfers:approve',
  'transfers.cancel': 'transfers:create',
  'transfers.create': 'transfers:create',
  'transfers.submit': 'transfers:create',
  'transfers.get': 'transfers:read',
  'transfers.list': 'transfers:read',
  'transfers.reject': 'transfers:approve',
  'wallets.addresses': 'wallets:read',
  'wallets.balance': 'wallets:read',
  'wallets.get': 'wallets:read',
  'wallets.list': 'wallets:read',
  'wallets.transactions': 'wallets:read',
};

/** Well-formed but meaningless: cross-org calls must fail on the id before any verification. */
const FAKE_ASSERTION = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON: 'AAAA', authenticatorData: 'AAAA', signature: 'AAAA' } };

const ID_KEYS = ['userId', 'inviteId', 'passkeyId', 'walletId', 'orgId', 'requestId', 'groupId', 'webhookId', 'deliveryId', 'apiKeyId'];

let db: TestDb;
let app: TestApp;
const A: Record<'admin' | 'member' | 'auditor', Browser> = {} as never;
let bAdmin: Browser;
let bMember: { userId: string; email: string };
let bInviteId: string;
let bGroupId: string;
let bPasskeyId: string;
let bWalletId: string;
let bWebhookId: string;
let bDeliveryId: string;
let bApiKeyId: string;

beforeAll(async () => {
  db = await createTestDb();
  app = new TestApp(db);
  A.admin = app.browser();
  await A.admin.signup({ orgName: 'Org A', displayName: 'A Admin', email: uniqueEmail('a-admin') });
  for (const role of ['member', 'auditor'] as const) {
    const inv = await A.admin.api.invites.create.mutate({ email: uniqueEmail(`a-${role}`), role });
    A[role] = app.browser();
    await A[role].acceptInvite(inv.url, `A ${role}`);
  }
  bAdmin = app.browser();
  await bAdmin.signup({ orgName: 'Org B', displayName: 'B Admin', email: uniqueEmail('b-admin') });
  const email = uniqueEmail('b-member');
  const inv = await bAdmin.api.invites.create.mutate({ email, role: 'member' });
  const bm = app.browser();
  const me = await bm.acceptInvite(inv.url, 'B Member');
  bMember = { userId: me!.userId, email };
  bInviteId = (await bAdmin.api.invites.create.mutate({ email: uniqueEmail('b-pending'), role: 'auditor' })).inviteId;
  bGroupId = (await bAdmin.api.groups.save.mutate({ name: 'B managers', members: [{ kind: 'user', id: bMember.userId }] })).id;
  bPasskeyId = (await bm.api.passkeys.list.query())[0]!.id;
  // An org B wallet (inserted directly: the co-signer is not needed to test access to it).
  const bAdminMe = (await bAdmin.api.auth.me.query())!;
  const [w] = await db.db.insert(wallets).values({ orgId: bAdminMe.orgId, name: 'B Vault', chain: 'bitcoin', network: 'regtest', status: 'active', createdBy: bAdminMe.userId }).returning();
  bWalletId = w!.id;
  await db.db.insert(walletMembers).values({ walletId: bWalletId, userId: bAdminMe.userId, role: 'approver' });
  // An org B webhook with one queued delivery (nothing listens on port 9; no worker runs here).
  bWebhookId = (await bAdmin.api.webhooks.create.mutate({ url: 'http://127.0.0.1:9/b-hook', events: [] })).webhookId;
  bDeliveryId = (await bAdmin.api.webhooks.test.mutate({ webhookId: bWebhookId })).deliveryId;
  bApiKeyId = (await bAdmin.api.apiKeys.create.mutate({ name: 'B back office', scopes: ['wallets:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() })).apiKeyId;
});
afterAll(() => db?.close());

describe('procedure classification', () => {
  it('every procedure is built from a tier', () => {
    expect(procedures.length).toBeGreaterThan(20);
    for (const p of procedures) expect(p.meta?.tier, p.path).toMatch(/^(public|authed|org|wallet)$/);
  });

  it('the public procedures are exactly the reviewed list', () => {
    expect(procedures.filter((p) => p.meta?.tier === 'public').map((p) => p.path).sort()).toEqual(PUBLIC);
  });

  it('org-tier procedures carry exactly the reviewed roles', () => {
    const actual = Object.fromEntries(procedures.filter((p) => p.meta?.tier === 'org').map((p) => [p.path, [...(p.meta!.roles ?? [])].sort()]));
    expect(actual).toEqual(ORG_ROLES);
  });

  it('wallet-tier procedures carry exactly the reviewed wallet roles', () => {
    const actual = Object.fromEntries(procedures.filter((p) => p.meta?.tier === 'wallet').map((p) => [p.path, [...(p.meta!.walletRoles ?? [])].sort()]));
    expect(actual).toEqual(WALLET_ROLES);
  });

  it('API-enabled procedures (meta.apiScope) are exactly the reviewed list, with their scopes', () => {
    const actual = Object.fromEntries(procedures.filter((p) => p.meta?.apiScope).map((p) => [p.path, p.meta!.apiScope]));
    expect(actual).toEqual(API_ENABLED);
    for (const p of procedures.filter((x) => x.meta?.apiScope)) expect(p.meta!.apiSummary, p.path).toMatch(/\S/);
  });
});

describe('unauthenticated callers', () => {
  it('get UNAUTHORIZED from every non-public procedure', async () => {
    const closed = procedures.filter((p) => p.meta?.tier !== 'public');
    for (const p of closed) {
      const res = await callByPath(app, null, p.path, p.type, {});
      expect(res.status, p.path).toBe(401);
      expect(res.body.error?.data, p.path).toMatchObject({ code: 'UNAUTHORIZED', appCode: 'NOT_SIGNED_IN' });
    }
  });

  it('with a forged or expired cookie are still unauthenticated', async () => {
    const forged = app.browser();
    forged.cookie = 'ks_session=' + 'A'.repeat(43);
    const res = await callByPath(app, forged, 'members.list', 'query', {});
    expect(res.status).toBe(401);
  });
});

describe('roles inside one organisation', () => {
  it('every org-tier procedure refuses the roles it does not list with FORBIDDEN', async () => {
    for (const p of procedures.filter((x) => x.meta?.tier === 'org')) {
      for (const role of ['admin', 'member', 'auditor'] as const) {
        if (p.meta!.roles!.includes(role)) continue;
        const res = await callByPath(app, A[role], p.path, p.type, {});
        expect(res.status, `${role} → ${p.path}`).toBe(403);
        expect(res.body.error?.data.appCode, `${role} → ${p.path}`).toBe('FORBIDDEN_ROLE');
      }
    }
  });
});

describe('another organisation’s objects', () => {
  const CROSS_ORG: Record<string, () => unknown> = {
    'members.changeRole': () => ({ userId: bMember.userId, role: 'admin' }),
    'members.deactivate': () => ({ userId: bMember.userId }),
    'members.reactivate': () => ({ userId: bMember.userId }),
    'invites.reenrol': () => ({ userId: bMember.userId }),
    'invites.revoke': () => ({ inviteId: bInviteId }),
    'passkeys.remove': () => ({ passkeyId: bPasskeyId }),
    'groups.remove': () => ({ groupId: bGroupId }),
    'recovery.approvalOptions': () => ({ requestId: crypto.randomUUID(), decision: 'approve' }),
    'recovery.approve': () => ({ requestId: crypto.randomUUID(), passkey: FAKE_ASSERTION }),
    'recovery.cancel': () => ({ requestId: crypto.randomUUID() }),
    'recovery.reject': () => ({ requestId: crypto.randomUUID(), passkey: FAKE_ASSERTION }),
    'recovery.request': () => ({ walletId: bWalletId, box: { alg: 'RSA-OAEP', hash: 'SHA-1', keyId: 'k', ct: 'A'.repeat(40) }, reason: 'take over' }),
    'recovery.reveal': () => ({ requestId: crypto.randomUUID(), publicKey: 'A'.repeat(87) }),
    'groups.save': () => ({ groupId: bGroupId, name: 'Taken over', members: [] }),
    'audit.approvalProofs': () => ({ requestKind: 'transfer', requestId: crypto.randomUUID() }),
    'transfers.approvalOptions': () => ({ walletId: bWalletId, transferId: crypto.randomUUID(), decision: 'approve' }),
    'transfers.approve': () => ({ walletId: bWalletId, transferId: crypto.randomUUID(), passkey: FAKE_ASSERTION }),
    'transfers.get': () => ({ walletId: bWalletId, transferId: crypto.randomUUID() }),
    'transfers.submit': () => ({ walletId: bWalletId, transferId: crypto.randomUUID() }),
    'transfers.bump': () => ({ walletId: bWalletId, transferId: crypto.randomUUID(), feeRateSatVb: 20 }),
    'transfers.cancel': () => ({ walletId: bWalletId, transferId: crypto.randomUUID() }),
    'transfers.create': () => ({ walletId: bWalletId, outputs: [{ address: 'x', amount: '1' }] }),
    'transfers.list': () => ({ walletId: bWalletId }),
    'transfers.reject': () => ({ walletId: bWalletId, transferId: crypto.randomUUID(), passkey: FAKE_ASSERTION }),
    'transfers.signingData': () => ({ walletId: bWalletId, transferId: crypto.randomUUID() }),
    'transfers.submitSignature': () => ({ walletId: bWalletId, transferId: crypto.randomUUID(), psbt: 'cHNidP8BAAAAAAA=' }),
    'governance.approvalOptions': () => ({ walletId: bWalletId, requestId: crypto.randomUUID(), decision: 'approve' }),
    'governance.approve': () => ({ walletId: bWalletId, requestId: crypto.randomUUID(), passkey: FAKE_ASSERTION }),
    'governance.cancel': () => ({ walletId: bWalletId, requestId: crypto.randomUUID() }),
    'governance.get': () => ({ walletId: bWalletId, requestId: crypto.randomUUID() }),
    'governance.list': () => ({ walletId: bWalletId }),
    'governance.reject': () => ({ walletId: bWalletId, requestId: crypto.randomUUID(), passkey: FAKE_ASSERTION }),
    'policies.get': () => ({ walletId: bWalletId }),
    'policies.version': () => ({ walletId: bWalletId, version: 1 }),
    'policies.propose': () => ({ walletId: bWalletId, document: {} }),
    'walletMembers.change': () => ({ walletId: bWalletId, userId: crypto.randomUUID(), role: 'approver' }),
    'walletMembers.changeApiKey': () => ({ walletId: bWalletId, apiKeyId: crypto.randomUUID(), role: 'approver' }),
    'walletMembers.list': () => ({ walletId: bWalletId }),
    'whitelist.list': () => ({ walletId: bWalletId }),
    'whitelist.propose': () => ({ walletId: bWalletId, address: 'bcrt1qxyz', label: 'x' }),
    'whitelist.remove': () => ({ walletId: bWalletId, entryId: crypto.randomUUID() }),
    'wallets.addresses': () => ({ walletId: bWalletId }),
    'wallets.balance': () => ({ walletId: bWalletId }),
    'wallets.faucet': () => ({ walletId: bWalletId }),
    'wallets.sync': () => ({ walletId: bWalletId }),
    'wallets.export': () => ({ walletId: bWalletId }),
    'wallets.transactions': () => ({ walletId: bWalletId }),
    'wallets.confirmKeycard': () => ({ walletId: bWalletId, code: 'AAAA-BBBB' }),
    'wallets.createFinish': () => ({ walletId: bWalletId }),
    'wallets.get': () => ({ walletId: bWalletId }),
    'wallets.newAddress': () => ({ walletId: bWalletId }),
    'webhooks.deliveries': () => ({ webhookId: bWebhookId, limit: 5 }),
    'webhooks.redeliver': () => ({ deliveryId: bDeliveryId }),
    'webhooks.remove': () => ({ webhookId: bWebhookId }),
    'webhooks.rotateSecret': () => ({ webhookId: bWebhookId }),
    'webhooks.test': () => ({ webhookId: bWebhookId }),
    'webhooks.update': () => ({ webhookId: bWebhookId, active: false }),
    'apiKeys.revoke': () => ({ apiKeyId: bApiKeyId }),
    'apiKeys.setSigningKey': () => ({ apiKeyId: bApiKeyId, signingKey: null }),
  };

  it('every procedure that takes an object id is in the cross-organisation table', () => {
    const withIds = procedures.filter((p) => p.meta?.tier !== 'public' && p.inputKeys.some((k) => ID_KEYS.includes(k))).map((p) => p.path);
    expect(withIds.sort()).toEqual(Object.keys(CROSS_ORG).sort());
  });

  it('an org A admin gets NOT_FOUND for each org B object, and org B is unchanged', async () => {
    for (const [path, input] of Object.entries(CROSS_ORG)) {
      const p = procedures.find((x) => x.path === path)!;
      const res = await callByPath(app, A.admin, path, p.type, input());
      expect([403, 404], path).toContain(res.status);
      expect(res.body.error?.data.code, path).toMatch(/^(FORBIDDEN|NOT_FOUND)$/);
    }
    const [m] = await db.db.select().from(memberships).where(eq(memberships.userId, bMember.userId));
    expect(m).toMatchObject({ role: 'member', status: 'active' });
    const [inv] = await db.db.select().from(invites).where(eq(invites.id, bInviteId));
    expect(inv!.revokedAt).toBeNull();
    const [pk] = await db.db.select().from(passkeys).where(eq(passkeys.id, bPasskeyId));
    expect(pk!.revokedAt).toBeNull();
    expect((await bAdmin.api.groups.list.query()).map((g) => [g.name, g.members.length])).toEqual([['B managers', 1]]);
    const [hook] = await db.db.select().from(webhooks).where(eq(webhooks.id, bWebhookId));
    expect(hook!.active).toBe(true);
    expect(await db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, bWebhookId))).toHaveLength(1);
    const [key] = await db.db.select().from(apiKeys).where(eq(apiKeys.id, bApiKeyId));
    expect(key!.revokedAt).toBeNull();
  });

  it('lists show only the caller’s organisation', async () => {
    const members = await A.admin.api.members.list.query();
    expect(members.map((m) => m.email)).not.toContain(bMember.email);
    expect(members).toHaveLength(3);
    const audit = await A.admin.api.audit.export.query();
    const aOrg = (await A.admin.api.auth.me.query())!.orgId;
    expect(audit.entries.every((e) => e.orgId === aOrg)).toBe(true);
    expect((await A.admin.api.invites.list.query()).map((i) => i.id)).not.toContain(bInviteId);
    expect((await A.admin.api.webhooks.list.query()).map((w) => w.id)).not.toContain(bWebhookId);
    expect((await A.admin.api.apiKeys.list.query()).map((k) => k.id)).not.toContain(bApiKeyId);
    expect((await A.admin.api.groups.list.query()).map((g) => g.id)).not.toContain(bGroupId);
    // approvals.queue (authed tier, no input): only the caller's own wallets' open requests.
    const bRequest = (await bAdmin.api.walletMembers.change.mutate({ walletId: bWalletId, userId: bMember.userId, role: 'approver' })).request!;
    expect((await bAdmin.api.approvals.queue.query()).items.map((i) => i.id)).toEqual([bRequest.id]);
    expect((await A.admin.api.approvals.queue.query()).items).toEqual([]);
  });
});
