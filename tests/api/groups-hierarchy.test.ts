/**
 * Hierarchical quorums over groups, through the API: "2 of 3 operations managers AND the
 * department head" governs a wallet's changes; the UI's "what is missing" lines; group edits
 * that would create a cycle or break an active policy are refused and change nothing.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { principalGroupMembers, principalGroups } from '@/db/schema';
import { toBase64url } from '@/lib/approvals';
import { expectApiError, TestApp, testCoSigner, uniqueEmail, type Browser } from '../helpers/api';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { createActiveWallet } from '../helpers/wallet';

let db: TestDb;
let app: TestApp;
let ada: Browser;
const people: Record<string, { b: Browser; id: string }> = {};
let walletId: string;
let opsGroup: string;

async function decideChange(who: Browser, requestId: string, decision: 'approve' | 'reject' = 'approve') {
  const { options } = await who.api.governance.approvalOptions.query({ walletId, requestId, decision });
  const passkey = who.authenticator.get(options as never);
  return decision === 'approve' ? who.api.governance.approve.mutate({ walletId, requestId, passkey }) : who.api.governance.reject.mutate({ walletId, requestId, passkey });
}

const user = (name: string) => ({ kind: 'user' as const, id: people[name]!.id });

beforeAll(async () => {
  db = await createTestDb();
  app = new TestApp(db);
  ada = app.browser();
  await ada.signup({ orgName: 'Hierarchy Org', displayName: 'Ada', email: uniqueEmail('ada') });
  for (const name of ['Olga', 'Omar', 'Otto', 'Hana', 'Eve']) {
    const b = app.browser();
    const inv = await ada.api.invites.create.mutate({ email: uniqueEmail(name.toLowerCase()), role: 'member' });
    await b.acceptInvite(inv.url, name);
    people[name] = { b, id: (await b.api.auth.me.query())!.userId };
  }
  walletId = (await createActiveWallet(ada, 'Operations')).walletId;
  // Everyone can see the wallet; seeing is not approving.
  for (const name of Object.keys(people)) await ada.api.walletMembers.change.mutate({ walletId, userId: people[name]!.id, role: 'viewer' });
}, 120_000);

afterAll(async () => {
  await (await testCoSigner()).close();
  await db?.close();
});

describe('hierarchical quorum', () => {
  it('"2 of 3 operations managers AND the department head" governs changes, and the missing branches are named', async () => {
    opsGroup = (await ada.api.groups.save.mutate({ name: 'Operations managers', members: [user('Olga'), user('Omar'), user('Otto')] })).id;
    const document = {
      schema: 'keystead.policy/1',
      allowSelfApproval: false,
      whitelist: { mode: 'disabled' },
      quorums: { default: { kind: 'and', children: [{ kind: 'group', groupId: opsGroup, k: 2 }, { kind: 'user', userId: people.Hana!.id, label: 'Department head' }] } },
      rules: [],
      defaultAction: { type: 'require', quorum: 'default' },
    };
    const req = await ada.api.policies.propose.mutate({ walletId, document });
    expect((await decideChange(ada, req.id)).state).toBe('applied'); // version 1: Ada alone

    const change = await ada.api.whitelist.propose.mutate({ walletId, address: 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080', label: 'Cold storage', coolingOffHours: 24 });
    expect((await expectApiError(() => decideChange(ada, change.id))).appCode).toBe('APPROVAL_NOT_ELIGIBLE');
    expect((await expectApiError(() => decideChange(people.Eve!.b, change.id))).appCode).toBe('APPROVAL_NOT_ELIGIBLE');

    await decideChange(people.Olga!.b, change.id);
    const midway = await people.Hana!.b.api.governance.get.query({ walletId, requestId: change.id });
    expect(midway.state).toBe('pending_approval');
    expect(midway.approval.missing).toEqual(['needs 1 more approval from Operations managers (have 1 of 2)', 'needs Department head (Hana)']);
    expect(midway.approval.tree).toMatchObject({ satisfied: false, children: [{ satisfied: false, have: 1, need: 2 }, { satisfied: false }] });

    await decideChange(people.Hana!.b, change.id);
    expect((await ada.api.governance.get.query({ walletId, requestId: change.id })).approval.missing).toEqual(['needs 1 more approval from Operations managers (have 1 of 2)']);
    expect((await decideChange(people.Otto!.b, change.id)).state).toBe('applied');
    const [entry] = await ada.api.whitelist.list.query({ walletId });
    expect(entry).toMatchObject({ label: 'Cold storage', state: 'active' });
    expect(new Date(entry!.usableFrom!).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000); // cooling-off
  });

  it('an API key gets a viewer role at once; the approver role only through the quorum', async () => {
    const key = await ada.api.apiKeys.create.mutate({ name: 'AML bot', scopes: ['transfers:read', 'transfers:approve'], expiresAt: new Date(Date.now() + 30 * 86400_000).toISOString() });
    expect(await ada.api.walletMembers.changeApiKey.mutate({ walletId, apiKeyId: key.apiKeyId, role: 'viewer' })).toMatchObject({ applied: true });
    const res = await ada.api.walletMembers.changeApiKey.mutate({ walletId, apiKeyId: key.apiKeyId, role: 'approver' });
    expect(res.applied).toBe(false);
    expect((await ada.api.governance.get.query({ walletId, requestId: res.request!.id })).summary).toBe('Make API key AML bot an approver (now viewer)');
    for (const name of ['Olga', 'Omar']) await decideChange(people[name]!.b, res.request!.id);
    expect((await decideChange(people.Hana!.b, res.request!.id)).state).toBe('applied');
    expect((await ada.api.walletMembers.list.query({ walletId })).apiKeys).toEqual([{ apiKeyId: key.apiKeyId, name: 'AML bot', role: 'approver' }]);
    // While it approves, an admin cannot swap the key its approvals are checked against.
    const swap = await expectApiError(() => ada.api.apiKeys.setSigningKey.mutate({ apiKeyId: key.apiKeyId, signingKey: { algorithm: 'ed25519', publicKey: toBase64url(ed25519.getPublicKey(ed25519.utils.randomSecretKey())) } }));
    expect(swap.appCode).toBe('API_KEY_STATE');
    expect(swap.userMessage).toMatch(/approver/);
  });

  it('bad group edits are refused with what to fix, and nothing is saved', async () => {
    const snapshot = async () => [await db.db.select().from(principalGroups), await db.db.select().from(principalGroupMembers)];
    const inner = (await ada.api.groups.save.mutate({ name: 'Inner', members: [user('Eve')] })).id;
    const outer = (await ada.api.groups.save.mutate({ name: 'Outer', members: [{ kind: 'group', id: inner }] })).id;
    const before = await snapshot();

    const cycle = await expectApiError(() => ada.api.groups.save.mutate({ groupId: inner, name: 'Inner', members: [{ kind: 'group', id: outer }] }));
    expect(cycle.appCode).toBe('POLICY_INVALID');
    expect(cycle.userMessage).toMatch(/Inner → Outer → Inner|Outer → Inner → Outer/);
    // The wallet's policy needs 2 of the operations managers: shrinking the group to one breaks it.
    const shrink = await expectApiError(() => ada.api.groups.save.mutate({ groupId: opsGroup, name: 'Operations managers', members: [user('Olga')] }));
    expect(shrink.appCode).toBe('POLICY_UNSATISFIABLE');
    expect(shrink.userMessage).toMatch(/Operations/);
    expect((await expectApiError(() => ada.api.groups.save.mutate({ name: 'Inner', members: [] }))).appCode).toBe('ALREADY_EXISTS');
    expect((await expectApiError(() => ada.api.groups.remove.mutate({ groupId: opsGroup }))).appCode).toBe('POLICY_UNSATISFIABLE');
    expect(await snapshot()).toEqual(before);
    expect(await db.db.select().from(principalGroups).where(eq(principalGroups.id, opsGroup))).toHaveLength(1);
  });

  it('policies naming an empty group, a threshold out of range or an unknown principal are refused', async () => {
    const empty = (await ada.api.groups.save.mutate({ name: 'Nobody yet', members: [] })).id;
    const base = { schema: 'keystead.policy/1', allowSelfApproval: false, whitelist: { mode: 'disabled' }, rules: [], defaultAction: { type: 'require', quorum: 'default' } };
    for (const [quorum, message] of [
      [{ kind: 'group', groupId: empty, k: 1 }, /Nobody yet.*(empty|no members|has no)/i],
      [{ kind: 'group', groupId: opsGroup, k: 4 }, /k|3/],
      [{ kind: 'threshold', k: 3, children: [{ kind: 'user', userId: people.Olga!.id }, { kind: 'user', userId: people.Omar!.id }] }, /k|2/],
      [{ kind: 'user', userId: '00000000-0000-4000-8000-000000000000' }, /unknown|not/i],
    ] as const) {
      const err = await expectApiError(() => ada.api.policies.propose.mutate({ walletId, document: { ...base, quorums: { default: quorum } } }));
      expect(err.appCode, JSON.stringify(quorum)).toBe('POLICY_INVALID');
      expect(err.userMessage).toMatch(message);
      expect(err.userMessage).toMatch(/quorums\.default/);
    }
  });
});
