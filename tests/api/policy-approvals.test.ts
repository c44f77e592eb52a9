/**
 * The policy engine in the workflow, on a real regtest chain: wallet roles granted through the
 * quorum, a stricter policy version activated by the current quorum, a 2-of-3 transfer approved
 * with passkey assertions over the request digest (the initiator and a viewer cannot count), the
 * whitelist and amount rules refusing with reasons, concurrent approvals making one transition,
 * and the approvals re-verified offline by the independent verifier.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvals, auditEvents, governanceRequests, transferRequests, walletPolicies } from '@/db/schema';
import { verifyApprovalBundle } from '@/lib/approvals';
import { decryptKey, deriveAddress, generateWalletKey } from '@/lib/crypto';
import { signPsbtWithKey } from '@/lib/crypto/psbt';
import { expireTransfers } from '@/server/services/transfers';
import { expectApiError, TestApp, testCoSigner, uniqueEmail, type Browser } from '../helpers/api';
import { startBcoinNode, type TestBcoinNode } from '../helpers/bcoin';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { createActiveWallet, TEST_WALLET_PASSWORD } from '../helpers/wallet';

let db: TestDb;
let node: TestBcoinNode;
let app: TestApp;
let admin: Browser; // Ada: creates the wallet (its first approver)
let bob: Browser;
let cleo: Browser;
let dan: Browser; // a viewer
const ids: Record<'ada' | 'bob' | 'cleo' | 'dan', string> = {} as never;
let w: Awaited<ReturnType<typeof createActiveWallet>>;

async function invite(name: string): Promise<Browser> {
  const b = app.browser();
  const inv = await admin.api.invites.create.mutate({ email: uniqueEmail(name.toLowerCase()), role: 'member' });
  await b.acceptInvite(inv.url, name);
  return b;
}

/** Approves (or rejects) a change request with this person's passkey. */
async function decideChange(who: Browser, requestId: string, decision: 'approve' | 'reject' = 'approve') {
  const { options } = await who.api.governance.approvalOptions.query({ walletId: w.walletId, requestId, decision });
  const passkey = who.authenticator.get(options as never);
  return decision === 'approve' ? who.api.governance.approve.mutate({ walletId: w.walletId, requestId, passkey }) : who.api.governance.reject.mutate({ walletId: w.walletId, requestId, passkey });
}

const external = () => deriveAddress([generateWalletKey('regtest').origin, generateWalletKey('regtest').origin, generateWalletKey('regtest').origin], 'regtest', 0, 0).address;

function policy(overrides: Record<string, unknown> = {}) {
  return { schema: 'keystead.policy/1', allowSelfApproval: false, whitelist: { mode: 'disabled' }, quorums: { default: { kind: 'wallet_approvers', k: 2 } }, rules: [], defaultAction: { type: 'require', quorum: 'default' }, ...overrides };
}

async function activate(document: unknown, approvers: Browser[]) {
  const req = await admin.api.policies.propose.mutate({ walletId: w.walletId, document });
  expect(req.state).toBe('pending_approval');
  let last = req;
  for (const a of approvers) last = await decideChange(a, req.id);
  expect(last.state).toBe('applied');
  return req;
}

beforeAll(async () => {
  [db, node] = await Promise.all([createTestDb(), startBcoinNode()]);
  const chain = node.chain();
  app = new TestApp(db, undefined, async () => chain);
  admin = app.browser();
  ids.ada = (await admin.signup({ orgName: 'Policy Org', displayName: 'Ada', email: uniqueEmail('ada') }))!.userId;
  bob = await invite('Bob');
  cleo = await invite('Cleo');
  dan = await invite('Dan');
  for (const [k, b] of [['bob', bob], ['cleo', cleo], ['dan', dan]] as const) ids[k] = (await b.api.auth.me.query())!.userId;
  w = await createActiveWallet(admin, 'Treasury');
  // Several coins: open requests reserve theirs.
  for (let i = 0; i < 6; i++) await admin.api.wallets.faucet.mutate({ walletId: w.walletId });
}, 120_000);

afterAll(async () => {
  await node?.stop();
  await (await testCoSigner()).close();
  await db?.close();
});

describe('wallet roles and policy versions go through the quorum', () => {
  it('a viewer is added at once; approvers only once the current quorum approves', async () => {
    const viewer = await admin.api.walletMembers.change.mutate({ walletId: w.walletId, userId: ids.dan, role: 'viewer' });
    expect(viewer).toMatchObject({ applied: true, request: null });
    for (const who of ['bob', 'cleo'] as const) {
      const res = await admin.api.walletMembers.change.mutate({ walletId: w.walletId, userId: ids[who], role: 'approver' });
      expect(res.applied).toBe(false);
      expect(res.request).toMatchObject({ kind: 'member_change', state: 'pending_approval' });
      // Not yet a member: Bob cannot see the wallet.
      if (who === 'bob') expect((await expectApiError(() => bob.api.wallets.get.query({ walletId: w.walletId }))).appCode).toBe('NOT_FOUND');
      // Version 1 (1 of the wallet approvers, self-approval allowed): Ada's signed approval applies it.
      expect((await decideChange(admin, res.request!.id)).state).toBe('applied');
    }
    const members = await admin.api.walletMembers.list.query({ walletId: w.walletId });
    expect(Object.fromEntries(members.people.map((p) => [p.name, p.role]))).toEqual({ Ada: 'approver', Bob: 'approver', Cleo: 'approver', Dan: 'viewer' });
  });

  it('a stricter version takes effect only when approved; a bad document is refused with its path and nothing is saved', async () => {
    const versionsBefore = await db.db.select().from(walletPolicies).where(eq(walletPolicies.walletId, w.walletId));
    const govBefore = await db.db.select().from(governanceRequests).where(eq(governanceRequests.walletId, w.walletId));
    for (const [doc, code] of [
      [policy({ rules: [{ id: 'x', when: { colour: 'red' }, action: { type: 'deny' } }] }), /rules\[0\]\.when/],
      [policy({ quorums: { default: { kind: 'wallet_approvers', k: 4 } } }), /k|approvers/i],
      [policy({ defaultAction: { type: 'require', quorum: 'board' } }), /board/],
    ] as const) {
      const err = await expectApiError(() => admin.api.policies.propose.mutate({ walletId: w.walletId, document: doc }));
      expect(err.appCode).toBe('POLICY_INVALID');
      expect(err.userMessage).toMatch(code);
    }
    expect(await db.db.select().from(walletPolicies).where(eq(walletPolicies.walletId, w.walletId))).toHaveLength(versionsBefore.length);
    expect(await db.db.select().from(governanceRequests).where(eq(governanceRequests.walletId, w.walletId))).toHaveLength(govBefore.length);

    const req = await admin.api.policies.propose.mutate({ walletId: w.walletId, document: policy() });
    expect((await admin.api.policies.get.query({ walletId: w.walletId })).active.version).toBe(1);
    expect((await decideChange(admin, req.id)).state).toBe('applied');
    const now = await admin.api.policies.get.query({ walletId: w.walletId });
    expect(now.active.version).toBe(2);
    expect(now.active.description.join('\n')).toMatch(/2 of wallet approvers/);
    expect(now.versions.map((v) => [v.version, v.state])).toEqual([
      [1, 'superseded'],
      [2, 'active'],
    ]);
  });
});

describe('a 2-of-3 approval quorum on a transfer', () => {
  let transferId: string;

  it('the initiator and a viewer cannot count; the second approver completes the quorum and is the only one who may sign', async () => {
    const t = await admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: external(), amount: '0.25' }], feeRateSatVb: 3 });
    transferId = t.id;
    expect(t).toMatchObject({ state: 'pending_approval', policyVersion: 2 });
    // The people who can approve are told; the initiator (who cannot) and the viewer are not.
    const told = async (who: Browser) => (await who.api.notifications.list.query({ limit: 50 })).map((n) => n.title).filter((x) => x.includes('0.25 BTC'));
    expect(await told(bob)).toEqual(['Transfer of 0.25 BTC from Treasury needs your approval']);
    expect(await told(cleo)).toHaveLength(1);
    expect(await told(admin)).toEqual([]);
    expect(await told(dan)).toEqual([]);
    expect((await expectApiError(() => admin.decideTransfer(w.walletId, t.id))).appCode).toBe('APPROVAL_NOT_ELIGIBLE');
    expect((await expectApiError(() => dan.decideTransfer(w.walletId, t.id))).appCode).toBe('APPROVAL_NOT_ELIGIBLE');

    expect((await bob.decideTransfer(w.walletId, t.id)).state).toBe('pending_approval');
    const midway = await cleo.api.transfers.get.query({ walletId: w.walletId, transferId: t.id });
    expect(midway.approval).toMatchObject({ eligible: true, myDecision: null, decisions: [{ name: 'Bob', decision: 'approve' }] });
    expect(midway.approval.missing).toEqual(['needs 1 more approval from wallet approvers (have 1 of 2)']);
    // Approving twice (a double click) changes nothing.
    expect((await bob.decideTransfer(w.walletId, t.id)).state).toBe('pending_approval');

    const done = await cleo.decideTransfer(w.walletId, t.id);
    expect(done).toMatchObject({ state: 'approved', approvedBy: ids.cleo });
    expect(await told(cleo)).toContain('Transfer of 0.25 BTC from Treasury is approved: ready to sign');
    expect((await expectApiError(() => admin.api.transfers.signingData.mutate({ walletId: w.walletId, transferId: t.id }))).appCode).toBe('FORBIDDEN_ROLE');
    expect((await expectApiError(() => bob.api.transfers.signingData.mutate({ walletId: w.walletId, transferId: t.id }))).appCode).toBe('FORBIDDEN_ROLE');

    const material = await cleo.api.transfers.signingData.mutate({ walletId: w.walletId, transferId: t.id });
    const xprv = new TextDecoder().decode(await decryptKey(material.envelope, TEST_WALLET_PASSWORD, { walletId: w.walletId, keyRole: 'user' }));
    const signed = signPsbtWithKey(material.psbt, xprv, 'user', { origins: w.origins, network: 'regtest' });
    expect((await cleo.api.transfers.submitSignature.mutate({ walletId: w.walletId, transferId: t.id, psbt: signed })).state).toBe('broadcast');
  });

  it('an auditor re-verifies every approval offline from the export; a tampered export fails', async () => {
    const auditor = app.browser();
    const inv = await admin.api.invites.create.mutate({ email: uniqueEmail('aud'), role: 'auditor' });
    await auditor.acceptInvite(inv.url, 'Audrey');
    const bundle = await auditor.api.audit.approvalProofs.query({ requestKind: 'transfer', requestId: transferId });
    expect(bundle.approvals).toHaveLength(2);
    const verified = verifyApprovalBundle(JSON.parse(JSON.stringify(bundle)));
    expect(verified.ok).toBe(true);
    expect(verified.verified.approve.sort()).toEqual([`user:${ids.bob}`, `user:${ids.cleo}`].sort());
    const tampered = JSON.parse(JSON.stringify(bundle));
    tampered.request.outputs[0].amount = '26000000';
    const bad = verifyApprovalBundle(tampered);
    expect(bad.ok).toBe(false);
    expect(bad.results.every((r) => !r.verdict.ok && r.verdict.reason.code === 'challenge_mismatch')).toBe(true);
  });

  it('50 concurrent approvals (double clicks of two approvers) make exactly one transition', async () => {
    const t = await admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: external(), amount: '0.01' }], feeRateSatVb: 3 });
    const prepared = await Promise.all(
      [bob, cleo].map(async (who) => {
        const { options } = await who.api.transfers.approvalOptions.query({ walletId: w.walletId, transferId: t.id, decision: 'approve' });
        return Array.from({ length: 25 }, () => ({ who, passkey: who.authenticator.get(options as never) }));
      }),
    );
    const results = await Promise.allSettled(prepared.flat().map(({ who, passkey }) => who.api.transfers.approve.mutate({ walletId: w.walletId, transferId: t.id, passkey })));
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    const [row] = await db.db.select().from(transferRequests).where(eq(transferRequests.id, t.id));
    expect(row!.state).toBe('approved');
    expect(await db.db.select().from(approvals).where(eq(approvals.requestId, t.id))).toHaveLength(2);
    const approvedEvents = (await db.db.select().from(auditEvents).where(eq(auditEvents.type, 'transfer.approved'))).filter((e) => (e.payload as { transferId: string }).transferId === t.id);
    expect(approvedEvents).toHaveLength(1);
    await cleo.api.transfers.cancel.mutate({ walletId: w.walletId, transferId: t.id }).catch(() => undefined);
  });

  it('a rejection by an eligible approver rejects the request (veto), and decisions cannot be flipped', async () => {
    const t = await admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: external(), amount: '0.02' }], feeRateSatVb: 3 });
    await bob.decideTransfer(w.walletId, t.id);
    expect((await cleo.decideTransfer(w.walletId, t.id, 'reject')).state).toBe('rejected');
    expect((await expectApiError(() => bob.decideTransfer(w.walletId, t.id, 'reject'))).appCode).toBe('TRANSFER_STATE');
  });

  it('requests not approved in time expire and free their coins', async () => {
    const t = await admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: external(), amount: '0.03' }], feeRateSatVb: 3 });
    await db.db.update(transferRequests).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(transferRequests.id, t.id));
    expect(await expireTransfers(db.db)).toBeGreaterThanOrEqual(1);
    expect((await admin.api.transfers.get.query({ walletId: w.walletId, transferId: t.id })).state).toBe('expired');
  });
});

describe('drafts', () => {
  it('a draft reserves its coins and enters approval only when its initiator submits it, under the policy in force then', async () => {
    const d = await admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: external(), amount: '0.001' }], feeRateSatVb: 3, draft: true });
    expect(d).toMatchObject({ state: 'draft' });
    const early = await expectApiError(() => cleo.decideTransfer(w.walletId, d.id));
    expect(early.appCode, early.userMessage).toBe('TRANSFER_STATE');
    expect((await expectApiError(() => cleo.api.transfers.submit.mutate({ walletId: w.walletId, transferId: d.id }))).appCode).toBe('FORBIDDEN_ROLE');
    const submitted = await admin.api.transfers.submit.mutate({ walletId: w.walletId, transferId: d.id });
    expect(submitted.state).toBe('pending_approval');
    expect(submitted.expiresAt).not.toBeNull();
    expect((await expectApiError(() => admin.api.transfers.submit.mutate({ walletId: w.walletId, transferId: d.id }))).appCode).toBe('TRANSFER_STATE');
  });
});

describe('rules refuse with reasons and store nothing', () => {
  it('an amount limit and a whitelist deny; a whitelisted address (after approval) is allowed; removal denies again', async () => {
    const whitelisted = external();
    await activate(
      policy({ whitelist: { mode: 'required' }, rules: [{ id: 'cap', description: 'Nothing above 1 BTC', when: { amountAbove: '100000000' }, action: { type: 'deny' } }] }),
      [bob, cleo],
    );
    const count = async () => (await db.db.select().from(transferRequests).where(eq(transferRequests.walletId, w.walletId))).length;
    const before = await count();
    const big = await expectApiError(() => admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: whitelisted, amount: '1.5' }], feeRateSatVb: 3 }));
    expect(big.appCode).toBe('POLICY_DENIED');
    expect(big.userMessage).toMatch(/cap/);
    const notListed = await expectApiError(() => admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: whitelisted, amount: '0.1' }], feeRateSatVb: 3 }));
    expect(notListed.appCode).toBe('POLICY_DENIED');
    expect(notListed.userMessage).toContain(whitelisted);
    expect(await count()).toBe(before);

    const add = await admin.api.whitelist.propose.mutate({ walletId: w.walletId, address: whitelisted.toUpperCase(), label: 'Exchange deposit', coolingOffHours: 0 });
    expect(add.payload).toMatchObject({ address: whitelisted, label: 'Exchange deposit' });
    await decideChange(bob, add.id);
    expect((await decideChange(cleo, add.id)).state).toBe('applied');
    const t = await admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: whitelisted, amount: '0.1' }], feeRateSatVb: 3 });
    expect(t.state).toBe('pending_approval');

    const [entry] = await admin.api.whitelist.list.query({ walletId: w.walletId });
    await admin.api.whitelist.remove.mutate({ walletId: w.walletId, entryId: entry!.id });
    expect((await expectApiError(() => admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: whitelisted, amount: '0.1' }], feeRateSatVb: 3 }))).appCode).toBe('POLICY_DENIED');
    const denied = await db.db.select().from(auditEvents).where(and(eq(auditEvents.type, 'transfer.denied')));
    expect(denied.length).toBeGreaterThanOrEqual(3);
  });

  it('a velocity limit over a rolling window counts the wallet’s recent transfers', async () => {
    await activate(policy({ rules: [{ id: 'daily', when: { velocity: { windowHours: 24, scope: 'wallet', maxAmount: '100000000' } }, action: { type: 'deny' } }] }), [bob, cleo]);
    // Today so far: 0.25 (broadcast) + 0.01 (approved) + 0.1 (pending) count; rejected and expired do not.
    const ok = await admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: external(), amount: '0.6' }], feeRateSatVb: 3 });
    expect(ok.state).toBe('pending_approval');
    const err = await expectApiError(() => admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: external(), amount: '0.05' }], feeRateSatVb: 3 }));
    expect(err.appCode).toBe('POLICY_DENIED');
    expect(err.userMessage).toMatch(/daily/);
  });

  it('removing an approver that the policy needs is refused, and nothing changes', async () => {
    // 2 of 3 approvers: removing Bob leaves 2, enough. Removing Cleo too would leave 1 < 2.
    expect(await admin.api.walletMembers.change.mutate({ walletId: w.walletId, userId: ids.bob, role: null })).toMatchObject({ applied: true });
    const err = await expectApiError(() => admin.api.walletMembers.change.mutate({ walletId: w.walletId, userId: ids.cleo, role: 'viewer' }));
    expect(err.appCode).toBe('POLICY_UNSATISFIABLE');
    expect(err.userMessage).toMatch(/Change the policy first/);
    const members = await admin.api.walletMembers.list.query({ walletId: w.walletId });
    expect(members.people.find((p) => p.name === 'Cleo')?.role).toBe('approver');
  });
});
