/**
 * approvals.queue: everything waiting for the caller's decision across their wallets. A request is
 * listed exactly when its frozen quorum makes the caller eligible and they have not decided yet
 * (what governance.get / transfers.get call `eligible && myDecision === null`), never for wallets
 * they are not on, never once expired or closed; and the cost does not grow with the wallets.
 *
 * No chain is needed: the requests here are change requests (member changes, policy versions,
 * whitelist additions), and the wallets are inserted directly (the co-signer is not involved).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceRequests, walletMembers, wallets } from '@/db/schema';
import { deriveAddress, generateWalletKey } from '@/lib/crypto';
import { TestApp, uniqueEmail, type Browser } from '../helpers/api';
import { createTestDb, type TestDb } from '../helpers/test-db';

let db: TestDb;
let app: TestApp;
let ada: Browser; // admin, creates the wallets (their first approver)
let bob: Browser;
let cleo: Browser;
let dan: Browser; // a viewer of the treasury
const ids: Record<'ada' | 'bob' | 'cleo' | 'dan' | 'org', string> = {} as never;
let treasury: string;
let ops: string;

/** Counts the SQL statements the API runs (select, insert, update, delete, execute, transaction). */
let statements = 0;

async function invite(name: string): Promise<Browser> {
  const b = app.browser();
  const inv = await ada.api.invites.create.mutate({ email: uniqueEmail(name.toLowerCase()), role: 'member' });
  await b.acceptInvite(inv.url, name);
  return b;
}

async function insertWallet(name: string): Promise<string> {
  const [w] = await db.db.insert(wallets).values({ orgId: ids.org, name, chain: 'bitcoin', network: 'regtest', status: 'active', createdBy: ids.ada }).returning();
  await db.db.insert(walletMembers).values({ walletId: w!.id, userId: ids.ada, role: 'approver' });
  return w!.id;
}

async function decide(who: Browser, walletId: string, requestId: string, decision: 'approve' | 'reject' = 'approve') {
  const { options } = await who.api.governance.approvalOptions.query({ walletId, requestId, decision });
  const passkey = who.authenticator.get(options as never);
  return decision === 'approve' ? who.api.governance.approve.mutate({ walletId, requestId, passkey }) : who.api.governance.reject.mutate({ walletId, requestId, passkey });
}

const queueIds = async (who: Browser) => (await who.api.approvals.queue.query()).items.map((i) => i.id);

function policy(overrides: Record<string, unknown> = {}) {
  return { schema: 'keystead.policy/1', allowSelfApproval: false, whitelist: { mode: 'disabled' }, quorums: { default: { kind: 'wallet_approvers', k: 2 } }, rules: [], defaultAction: { type: 'require', quorum: 'default' }, ...overrides };
}

const external = () => deriveAddress([generateWalletKey('regtest').origin, generateWalletKey('regtest').origin, generateWalletKey('regtest').origin], 'regtest', 0, 0).address;

beforeAll(async () => {
  db = await createTestDb();
  // The API's database handle, counting the statements it starts.
  const counted = new Proxy(db.db, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && ['select', 'insert', 'update', 'delete', 'execute', 'transaction'].includes(prop)) statements += 1;
      return Reflect.get(target, prop, receiver);
    },
  });
  app = new TestApp({ ...db, db: counted });
  ada = app.browser();
  const me = (await ada.signup({ orgName: 'Queue Org', displayName: 'Ada', email: uniqueEmail('ada') }))!;
  ids.ada = me.userId;
  ids.org = me.orgId;
  bob = await invite('Bob');
  cleo = await invite('Cleo');
  dan = await invite('Dan');
  for (const [k, b] of [['bob', bob], ['cleo', cleo], ['dan', dan]] as const) ids[k] = (await b.api.auth.me.query())!.userId;
  treasury = await insertWallet('Treasury');
  ops = await insertWallet('Operations');
}, 120_000);

afterAll(() => db?.close());

describe('approvals.queue', () => {
  it('lists a change request for the eligible approver only, with its wallet, summary and what is missing', async () => {
    expect(await queueIds(ada)).toEqual([]);
    const res = await ada.api.walletMembers.change.mutate({ walletId: treasury, userId: ids.bob, role: 'approver' });
    expect(res.applied).toBe(false);
    const request = res.request!;
    const { items } = await ada.api.approvals.queue.query();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'governance',
      id: request.id,
      walletId: treasury,
      walletName: 'Treasury',
      governanceKind: 'member_change',
      summary: 'Make Bob an approver',
      initiatorName: 'Ada',
      outputs: [],
      feeSats: null,
      decisionCount: 0,
      policyVersion: 1,
      missing: ['needs 1 more approval from wallet approvers (have 0 of 1)'],
    });
    expect(Date.parse(items[0]!.expiresAt!)).toBeGreaterThan(Date.now());
    // Bob is not on the wallet (yet): nothing for him, nor for anyone else.
    for (const other of [bob, cleo, dan]) expect(await queueIds(other)).toEqual([]);

    // Deciding removes it from the queue.
    expect((await decide(ada, treasury, request.id)).state).toBe('applied');
    expect(await queueIds(ada)).toEqual([]);
  });

  it('follows the frozen quorum: no self-approval drops the proposer; a viewer is never listed; a decision removes it for that person only', async () => {
    const cleoReq = (await ada.api.walletMembers.change.mutate({ walletId: treasury, userId: ids.cleo, role: 'approver' })).request!;
    // Version 1 quorum: 1 of the wallet approvers (Ada, Bob), self-approval allowed.
    expect(await queueIds(ada)).toEqual([cleoReq.id]);
    expect(await queueIds(bob)).toEqual([cleoReq.id]);
    expect((await decide(bob, treasury, cleoReq.id)).state).toBe('applied');
    expect(await queueIds(ada)).toEqual([]);
    expect(await ada.api.walletMembers.change.mutate({ walletId: treasury, userId: ids.dan, role: 'viewer' })).toMatchObject({ applied: true, request: null });

    // Version 2: 2 of the wallet approvers, no self-approval.
    const v2 = await ada.api.policies.propose.mutate({ walletId: treasury, document: policy() });
    expect((await decide(ada, treasury, v2.id)).state).toBe('applied');

    const add = await ada.api.whitelist.propose.mutate({ walletId: treasury, address: external(), label: 'Exchange', coolingOffHours: 24 });
    expect(await queueIds(ada)).toEqual([]); // the proposer's approval would not count
    expect(await queueIds(dan)).toEqual([]); // a viewer is not in the quorum
    expect(await queueIds(bob)).toEqual([add.id]);
    expect(await queueIds(cleo)).toEqual([add.id]);

    expect((await decide(bob, treasury, add.id)).state).toBe('pending_approval');
    expect(await queueIds(bob)).toEqual([]);
    const [item] = (await cleo.api.approvals.queue.query()).items;
    expect(item).toMatchObject({ id: add.id, governanceKind: 'whitelist_add', decisionCount: 1, policyVersion: 2, missing: ['needs 1 more approval from wallet approvers (have 1 of 2)'] });
    expect(item!.summary).toMatch(/^Whitelist bcrt1.* as “Exchange” \(usable 24 h after approval\)$/);

    // The queue agrees with governance.get for every listed item.
    const detail = await cleo.api.governance.get.query({ walletId: treasury, requestId: add.id });
    expect(detail.approval).toMatchObject({ eligible: true, myDecision: null, missing: item!.missing });
    expect(detail.approval.decisions).toHaveLength(item!.decisionCount);

    expect((await decide(cleo, treasury, add.id)).state).toBe('applied');
    expect(await queueIds(cleo)).toEqual([]);
  });

  it('eligibility comes from the quorum, not the wallet role: a viewer named in the governance quorum is asked', async () => {
    const v3 = await ada.api.policies.propose.mutate({
      walletId: treasury,
      document: policy({ quorums: { default: { kind: 'wallet_approvers', k: 2 }, governance: { kind: 'and', children: [{ kind: 'wallet_approvers', k: 1 }, { kind: 'user', label: 'Compliance', userId: ids.dan }] } } }),
    });
    await decide(bob, treasury, v3.id);
    expect((await decide(cleo, treasury, v3.id)).state).toBe('applied');

    const change = (await bob.api.walletMembers.change.mutate({ walletId: treasury, userId: ids.dan, role: 'initiator' })).request!;
    expect(await queueIds(dan)).toEqual([change.id]);
    expect(await queueIds(bob)).toEqual([]); // the proposer
    expect((await ada.api.approvals.queue.query()).items[0]).toMatchObject({ id: change.id, initiatorName: 'Bob', missing: expect.arrayContaining([expect.stringMatching(/Compliance \(Dan\)/)]) });
    await bob.api.governance.cancel.mutate({ walletId: treasury, requestId: change.id });
    for (const who of [ada, bob, cleo, dan]) expect(await queueIds(who)).toEqual([]);
  });

  it('lists requests of every wallet the caller is on, most urgent first, and leaves out expired ones', async () => {
    const opsReq = (await ada.api.walletMembers.change.mutate({ walletId: ops, userId: ids.bob, role: 'initiator' })).request!;
    const treasuryReq = await bob.api.whitelist.propose.mutate({ walletId: treasury, address: external(), label: 'Payroll', coolingOffHours: 0 });
    // The treasury one expires first.
    await db.db.update(governanceRequests).set({ expiresAt: new Date(Date.now() + 3600_000) }).where(eq(governanceRequests.id, treasuryReq.id));
    const { items } = await ada.api.approvals.queue.query();
    expect(items.map((i) => [i.walletName, i.id])).toEqual([
      ['Treasury', treasuryReq.id],
      ['Operations', opsReq.id],
    ]);
    // Bob is not on Operations: only the treasury's (he proposed it, so not even that one).
    expect(await queueIds(bob)).toEqual([]);
    expect(await queueIds(cleo)).toEqual([treasuryReq.id]);

    // Past its deadline (before the expiry job ran), a request is no longer asked for.
    await db.db.update(governanceRequests).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(governanceRequests.id, treasuryReq.id));
    expect(await queueIds(ada)).toEqual([opsReq.id]);
    expect(await queueIds(cleo)).toEqual([]);
    await ada.api.governance.cancel.mutate({ walletId: ops, requestId: opsReq.id });
  });

  it('costs the same number of statements for 1 wallet as for 40 wallets with open requests', async () => {
    const one = (await ada.api.walletMembers.change.mutate({ walletId: ops, userId: ids.cleo, role: 'approver' })).request!;
    statements = 0;
    expect(await queueIds(ada)).toEqual([one.id]);
    const small = statements;
    expect(small).toBeGreaterThanOrEqual(4); // the session, the wallets, the open requests, the decisions

    const many: string[] = [one.id];
    for (let i = 0; i < 40; i++) {
      const walletId = await insertWallet(`Desk ${i}`);
      many.push((await ada.api.walletMembers.change.mutate({ walletId, userId: ids.cleo, role: 'approver' })).request!.id);
    }
    statements = 0;
    const ids41 = await queueIds(ada);
    expect(ids41.sort()).toEqual(many.sort());
    expect(statements).toBe(small);
  }, 120_000);
});
