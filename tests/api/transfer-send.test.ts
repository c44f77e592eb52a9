/**
 * A full send on a real bcoin regtest chain: build → approve → Key #1 signs (the browser's code,
 * run here) → the SoftHSM2 co-signer verifies and signs with Key #3 → broadcast → confirmed.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, transferRequests } from '@/db/schema';
import { decryptKey, deriveAddress, generateWalletKey } from '@/lib/crypto';
import { signPsbtWithKey } from '@/lib/crypto/psbt';
import { advanceTransfers } from '@/server/services/transfers';
import type { BitcoinChain } from '@/server/chains/bitcoin/types';
import { expectApiError, TestApp, testCoSigner, uniqueEmail, type Browser } from '../helpers/api';
import { startBcoinNode, type TestBcoinNode } from '../helpers/bcoin';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { createActiveWallet, TEST_WALLET_PASSWORD } from '../helpers/wallet';

let db: TestDb;
let node: TestBcoinNode;
let chain: BitcoinChain;
let app: TestApp;
let admin: Browser;

beforeAll(async () => {
  [db, node] = await Promise.all([createTestDb(), startBcoinNode()]);
  chain = node.chain();
  app = new TestApp(db, undefined, async () => chain);
  admin = app.browser();
  await admin.signup({ orgName: 'Send Org', displayName: 'Sid', email: uniqueEmail('sid') });
}, 90_000);
afterAll(async () => {
  await node?.stop();
  await (await testCoSigner()).close();
  await db?.close();
});

const external = () => deriveAddress([generateWalletKey('regtest').origin, generateWalletKey('regtest').origin, generateWalletKey('regtest').origin], 'regtest', 0, 0).address;

async function fundedWallet(name: string) {
  const w = await createActiveWallet(admin, name);
  await admin.api.wallets.faucet.mutate({ walletId: w.walletId });
  return w;
}

/** What the approver's browser does with the signing material. */
async function browserSign(w: Awaited<ReturnType<typeof createActiveWallet>>, transferId: string) {
  const material = await admin.api.transfers.signingData.mutate({ walletId: w.walletId, transferId });
  const xprv = new TextDecoder().decode(await decryptKey(material.envelope, TEST_WALLET_PASSWORD, { walletId: w.walletId, keyRole: 'user' }));
  return signPsbtWithKey(material.psbt, xprv, 'user', { origins: w.origins, network: 'regtest' });
}

describe('sending bitcoin', () => {
  it('a 2-of-3 spend is built, approved, signed by Key #1 and Key #3, broadcast once and confirmed', async () => {
    const w = await fundedWallet('Sender');
    const before = await admin.api.wallets.balance.query({ walletId: w.walletId });
    const to = external();
    const t = await admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: to, amount: '0.125' }], feeRateSatVb: 5 });
    expect(t).toMatchObject({ state: 'pending_approval', outputs: [{ address: to, valueSats: '12500000' }] });
    await admin.decideTransfer(w.walletId, t.id);
    const signed = await browserSign(w, t.id);
    const sent = await admin.api.transfers.submitSignature.mutate({ walletId: w.walletId, transferId: t.id, psbt: signed });
    expect(sent.state).toBe('broadcast');
    expect(sent.txid).toMatch(/^[0-9a-f]{64}$/);
    expect(await chain.transaction(sent.txid!)).toMatchObject({ confirmations: 0 });

    await chain.mine!(1, external());
    await advanceTransfers(db.db, chain);
    const [row] = await db.db.select().from(transferRequests).where(eq(transferRequests.id, t.id));
    expect(row!.state).toBe('confirmed');
    await admin.api.wallets.sync.mutate({ walletId: w.walletId });
    const after = await admin.api.wallets.balance.query({ walletId: w.walletId });
    const spent = BigInt(before.confirmedSats) - BigInt(after.confirmedSats) - BigInt(after.unconfirmedSats);
    expect(spent).toBe(12_500_000n + BigInt(sent.feeSats));
    const types = (await db.db.select().from(auditEvents)).map((e) => e.type);
    for (const type of ['transfer.created', 'transfer.approved', 'transfer.key_released', 'transfer.cosigned', 'transfer.broadcast', 'transfer.confirmed']) {
      expect(types).toContain(type);
    }
  });

  it('the co-signer refuses a signed PSBT that is not the approved transaction', async () => {
    const w = await fundedWallet('Tamper');
    await admin.api.wallets.faucet.mutate({ walletId: w.walletId }); // a second coin for the second request
    const t = await admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: external(), amount: '0.05' }], feeRateSatVb: 3 });
    await admin.decideTransfer(w.walletId, t.id);
    const other = await admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: external(), amount: '0.07' }], feeRateSatVb: 3 });
    // Signing material of the approved request, but the browser submits another transaction.
    await admin.api.transfers.signingData.mutate({ walletId: w.walletId, transferId: t.id });
    const material = { envelope: (await admin.api.transfers.signingData.mutate({ walletId: w.walletId, transferId: t.id })).envelope, psbt: (await db.db.select().from(transferRequests).where(eq(transferRequests.id, other.id)))[0]!.unsignedPsbt };
    const xprv = new TextDecoder().decode(await decryptKey(material.envelope, TEST_WALLET_PASSWORD, { walletId: w.walletId, keyRole: 'user' }));
    const forged = signPsbtWithKey(material.psbt, xprv, 'user', { origins: w.origins, network: 'regtest' });
    const err = await expectApiError(() => admin.api.transfers.submitSignature.mutate({ walletId: w.walletId, transferId: t.id, psbt: forged }));
    expect(err.appCode).toBe('COSIGN_REFUSED');
    const [row] = await db.db.select().from(transferRequests).where(eq(transferRequests.id, t.id));
    expect(row).toMatchObject({ state: 'signing', txid: null, rawTx: null });
  });

  it('clear typed errors for bad transfers', async () => {
    const w = await fundedWallet('Errors');
    const cases: [Parameters<typeof admin.api.transfers.create.mutate>[0]['outputs'], RegExp][] = [
      [[{ address: external(), amount: '0.000000001' }], /8 decimal|decimals|precise/i],
      [[{ address: external(), amount: '100000' }], /not hold enough/i],
      [[{ address: external(), amount: '0.00000100' }], /dust/i],
      [[{ address: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', amount: '0.1' }], /network/i],
      [[{ address: 'not-an-address', amount: '0.1' }], /address/i],
    ];
    for (const [outputs, message] of cases) {
      const err = await expectApiError(() => admin.api.transfers.create.mutate({ walletId: w.walletId, outputs, feeRateSatVb: 2 }));
      expect(err.appCode, JSON.stringify(outputs)).toBe('TRANSFER_INVALID');
      expect(err.userMessage).toMatch(message);
    }
  });

  it('a crash between co-signing and broadcasting is healed by broadcasting the same bytes once', async () => {
    const w = await fundedWallet('Crash');
    const to = external();
    const t = await admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: to, amount: '0.2' }], feeRateSatVb: 4 });
    await admin.decideTransfer(w.walletId, t.id);
    const signed = await browserSign(w, t.id);
    // The node goes away right after co-signing: the broadcast fails, the signed tx is kept.
    let broadcasts = 0;
    const flaky: BitcoinChain = { ...chain, network: chain.network, tip: () => chain.tip(), transaction: (id) => chain.transaction(id), broadcast: async () => Promise.reject(new Error('connection reset')) } as BitcoinChain;
    const crashApp = new TestApp(db, undefined, async () => flaky);
    const b = crashApp.browser();
    b.cookie = admin.cookie;
    const err = await expectApiError(() => b.api.transfers.submitSignature.mutate({ walletId: w.walletId, transferId: t.id, psbt: signed }));
    expect(err.appCode).toBe('BROADCAST_FAILED');
    const [stuck] = await db.db.select().from(transferRequests).where(eq(transferRequests.id, t.id));
    expect(stuck).toMatchObject({ state: 'cosigned' });
    expect(stuck!.rawTx).toBeTruthy();
    // After "restart": the job broadcasts the stored bytes; running it again broadcasts nothing more.
    const counting: BitcoinChain = { ...chain, tip: () => chain.tip(), transaction: (id) => chain.transaction(id), broadcast: (hex) => ((broadcasts += 1), chain.broadcast(hex)) } as BitcoinChain;
    await advanceTransfers(db.db, counting);
    await advanceTransfers(db.db, counting);
    expect(broadcasts).toBe(1);
    const [sent] = await db.db.select().from(transferRequests).where(eq(transferRequests.id, t.id));
    expect(sent).toMatchObject({ state: 'broadcast', txid: stuck!.txid });
    expect(await chain.transaction(stuck!.txid!)).not.toBeNull();
    // Re-submitting the signature cannot sign again.
    expect((await expectApiError(() => admin.api.transfers.submitSignature.mutate({ walletId: w.walletId, transferId: t.id, psbt: signed }))).appCode).toBe('TRANSFER_STATE');
  });
});

describe('fee bumping (BIP125 replace-by-fee)', () => {
  /** A stuck 2 sat/vB transfer and its approved, co-signed 12 sat/vB bump (not yet broadcast). */
  async function stuckAndBump(name: string, bumpChain: BitcoinChain) {
    const w = await fundedWallet(name);
    const to = external();
    const t = await admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: to, amount: '0.3' }], feeRateSatVb: 2 });
    await admin.decideTransfer(w.walletId, t.id);
    const first = await admin.api.transfers.submitSignature.mutate({ walletId: w.walletId, transferId: t.id, psbt: await browserSign(w, t.id) });
    expect(first.state).toBe('broadcast');
    const tooLow = await expectApiError(() => admin.api.transfers.bump.mutate({ walletId: w.walletId, transferId: t.id, feeRateSatVb: 2.5 }));
    expect(tooLow.appCode).toBe('TRANSFER_INVALID');
    const bump = await admin.api.transfers.bump.mutate({ walletId: w.walletId, transferId: t.id, feeRateSatVb: 12 });
    expect(bump).toMatchObject({ state: 'pending_approval', replacesId: t.id, outputs: [{ address: to, valueSats: '30000000' }] });
    expect(BigInt(bump.feeSats)).toBeGreaterThan(BigInt(first.feeSats));
    await admin.decideTransfer(w.walletId, bump.id);
    const signed = await browserSign(w, bump.id);
    const bumpApp = new TestApp(db, undefined, async () => bumpChain);
    const b = bumpApp.browser();
    b.cookie = admin.cookie;
    return { w, t, first, bump, submit: () => b.api.transfers.submitSignature.mutate({ walletId: w.walletId, transferId: bump.id, psbt: signed }) };
  }

  it('on a BIP125 node the bump replaces the original, which becomes replaced', async () => {
    // bcoin 1.0.2 implements no replace-by-fee (its mempool refuses every double spend), so this
    // case stands in for Bitcoin Core's mempool: it accepts the replacement; the rest is real.
    const bip125: BitcoinChain = { ...chain, tip: () => chain.tip(), transaction: async () => null, broadcast: async () => 'accepted' } as unknown as BitcoinChain;
    const { w, t, first, bump, submit } = await stuckAndBump('Bump accepted', bip125);
    const sent = await submit();
    expect(sent.state).toBe('broadcast');
    expect(sent.txid).not.toBe(first.txid);
    const list = await admin.api.transfers.list.query({ walletId: w.walletId });
    expect(list.find((x) => x.id === t.id)!.state).toBe('replaced');
    expect(list.find((x) => x.id === bump.id)!.state).toBe('broadcast');
  });

  it('if the original confirms first, the bump fails cleanly and nothing is spent twice', async () => {
    const { w, t, bump, submit } = await stuckAndBump('Bump too late', chain);
    // bcoin refuses the conflicting bump: it stays co-signed, with the node's reason.
    expect((await expectApiError(submit)).appCode).toBe('BROADCAST_FAILED');
    await chain.mine!(1, external());
    await advanceTransfers(db.db, chain); // the original confirms
    await advanceTransfers(db.db, chain); // the bump can never be mined now
    const list = await admin.api.transfers.list.query({ walletId: w.walletId });
    expect(list.find((x) => x.id === t.id)!.state).toBe('confirmed');
    expect(list.find((x) => x.id === bump.id)).toMatchObject({ state: 'failed' });
  });
});
