/** Balances and history from a real bcoin regtest node, through the API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveAddress } from '@/lib/crypto';
import { syncWallet } from '@/server/services/wallet-sync';
import { wallets } from '@/db/schema';
import { eq } from 'drizzle-orm';
import { expectApiError, TestApp, testCoSigner, uniqueEmail, type Browser } from '../helpers/api';
import { startBcoinNode, type TestBcoinNode } from '../helpers/bcoin';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { createActiveWallet } from '../helpers/wallet';

let db: TestDb;
let node: TestBcoinNode;
let app: TestApp;
let admin: Browser;

beforeAll(async () => {
  [db, node] = await Promise.all([createTestDb(), startBcoinNode()]);
  const chain = node.chain();
  app = new TestApp(db, undefined, async () => chain);
  admin = app.browser();
  await admin.signup({ orgName: 'Sync Org', displayName: 'Sam', email: uniqueEmail('sam') });
}, 90_000);
afterAll(async () => {
  await node?.stop();
  await (await testCoSigner()).close();
  await db?.close();
});

describe('wallet sync on regtest', () => {
  it('the faucet funds the wallet; the balance and history show it exactly', async () => {
    const w = await createActiveWallet(admin, 'Funded');
    const empty = await admin.api.wallets.balance.query({ walletId: w.walletId });
    expect(empty).toMatchObject({ confirmedSats: '0', unconfirmedSats: '0', utxoCount: 0 });
    const { address } = await admin.api.wallets.faucet.mutate({ walletId: w.walletId });
    expect(address).toBe(deriveAddress(w.origins, 'regtest', 0, 0).address);
    const b = await admin.api.wallets.balance.query({ walletId: w.walletId });
    expect(BigInt(b.confirmedSats)).toBeGreaterThan(0n);
    expect(b).toMatchObject({ unconfirmedSats: '0', immatureSats: '0', utxoCount: 1 });
    const txs = await admin.api.wallets.transactions.query({ walletId: w.walletId });
    expect(txs).toHaveLength(1);
    expect(txs[0]).toMatchObject({ direction: 'incoming', netSats: b.confirmedSats, confirmations: 101 });
  });

  it('finds payments to change and to later receive addresses by gap scanning', async () => {
    const w = await createActiveWallet(admin, 'Gaps');
    const chain = node.chain();
    const change3 = deriveAddress(w.origins, 'regtest', 1, 3).address;
    const recv15 = deriveAddress(w.origins, 'regtest', 0, 15).address;
    const recv30 = deriveAddress(w.origins, 'regtest', 0, 30).address; // 15 + 15: inside the widened window
    const recv60 = deriveAddress(w.origins, 'regtest', 0, 60).address; // beyond any gap: must NOT be found
    for (const a of [change3, recv15, recv30, recv60]) await chain.mine!(1, a);
    await admin.api.wallets.sync.mutate({ walletId: w.walletId });
    const b = await admin.api.wallets.balance.query({ walletId: w.walletId });
    expect(b.utxoCount).toBe(3);
    expect(BigInt(b.immatureSats)).toBeGreaterThan(0n);
    expect((await admin.api.wallets.transactions.query({ walletId: w.walletId })).every((t) => t.direction === 'incoming' && t.confirmations >= 1)).toBe(true);
  });

  it('a sync is idempotent: running it again changes nothing', async () => {
    const w = await createActiveWallet(admin, 'Twice');
    await admin.api.wallets.faucet.mutate({ walletId: w.walletId });
    const [row] = await db.db.select().from(wallets).where(eq(wallets.id, w.walletId));
    const first = await admin.api.wallets.balance.query({ walletId: w.walletId });
    await syncWallet(db.db, node.chain(), row!);
    await syncWallet(db.db, node.chain(), row!);
    const again = await admin.api.wallets.balance.query({ walletId: w.walletId });
    expect({ ...again, lastSyncedAt: null }).toEqual({ ...first, lastSyncedAt: null });
    expect(await admin.api.wallets.transactions.query({ walletId: w.walletId })).toHaveLength(1);
  });

  it('overlapping syncs: one that read the chain before a newer stored sync cannot overwrite it', async () => {
    const w = await createActiveWallet(admin, 'Overlap');
    const [row] = await db.db.select().from(wallets).where(eq(wallets.id, w.walletId));
    const real = node.chain();
    // Run A reads the chain (still empty for this wallet), then stalls before writing.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let readDone!: () => void;
    const aRead = new Promise<void>((r) => (readDone = r));
    const slow = Object.assign(Object.create(Object.getPrototypeOf(real)), real, {
      tip: () => real.tip(),
      history: (a: string[]) => real.history(a),
      unspent: async (a: string[]) => {
        const result = await real.unspent(a);
        readDone();
        await gate;
        return result;
      },
    });
    const runA = syncWallet(db.db, slow, row!);
    await aRead;
    // Meanwhile coins arrive and a later sync (the faucet's) stores them.
    await admin.api.wallets.faucet.mutate({ walletId: w.walletId });
    const funded = await admin.api.wallets.balance.query({ walletId: w.walletId });
    expect(funded.utxoCount).toBe(1);
    release();
    expect((await runA).stale).toBe(true);
    expect(await admin.api.wallets.balance.query({ walletId: w.walletId })).toEqual(funded);
  });

  it('an unreachable node gives a clear typed error and keeps the last known balance', async () => {
    const w = await createActiveWallet(admin, 'Offline');
    await admin.api.wallets.faucet.mutate({ walletId: w.walletId });
    const before = await admin.api.wallets.balance.query({ walletId: w.walletId });
    const offline = new TestApp(db, undefined, async () => node.chain({ url: 'http://127.0.0.1:9' }));
    const b2 = offline.browser();
    b2.cookie = admin.cookie;
    const err = await expectApiError(() => b2.api.wallets.sync.mutate({ walletId: w.walletId }));
    expect(err.appCode).toBe('CHAIN_UNAVAILABLE');
    expect(await admin.api.wallets.balance.query({ walletId: w.walletId })).toEqual(before);
  });
});
