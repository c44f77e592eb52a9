/**
 * Crash test on real processes: the production server (`next start`) is killed with SIGKILL
 * right after a transfer is co-signed (and, separately, right after the node took the
 * transaction but before the server recorded it). After a restart, the background job finishes
 * the send: the node sees exactly one broadcast, nothing is signed twice, a retried signature is
 * refused, and the transfer confirms.
 *
 * Real parts: the Next.js build, PostgreSQL (TEST_DATABASE_URL) or a PGlite dir, a SoftHSM2
 * token shared by both server lives, a bcoin regtest node behind a counting pass-through.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decryptKey, deriveAddress, generateWalletKey } from '@/lib/crypto';
import { signPsbtWithKey } from '@/lib/crypto/psbt';
import { CRASH_POINTS, type CrashPoint } from '@/server/faults';
import { expectApiError, RemoteApp, uniqueEmail, type Browser } from '../helpers/api';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { startBcoinNode, type TestBcoinNode } from '../helpers/bcoin';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy';
import { createTempSoftHsm, TEST_PIN, type TempSoftHsm } from '../helpers/softhsm';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { createActiveWallet, TEST_WALLET_PASSWORD } from '../helpers/wallet';

const BROADCAST = /^POST \/broadcast|sendrawtransaction/;

let node: TestBcoinNode;
let proxy: CountingProxy;
let hsm: TempSoftHsm;
let db: TestDb | null = null;
let pgliteRoot: string | null = null;
let serverEnv: Record<string, string>;
const servers: AppServer[] = [];

beforeAll(async () => {
  node = await startBcoinNode();
  proxy = await startCountingProxy(node.url);
  hsm = createTempSoftHsm();
  hsm.initToken('keystead-crash');
  // One database outlives every server process (PostgreSQL in CI; else a PGlite data dir,
  // opened by one server process at a time).
  const database: Record<string, string> = {};
  if (process.env.TEST_DATABASE_URL) {
    db = await createTestDb();
    database.DATABASE_URL = db.url!;
  } else {
    pgliteRoot = mkdtempSync(path.join(tmpdir(), 'keystead-crash-db-'));
    database.PGLITE_DIR = path.join(pgliteRoot, 'pglite');
  }
  serverEnv = {
    ...database,
    APP_ORIGIN: 'http://localhost:3000',
    KEYSTEAD_COSIGNER: 'pkcs11',
    SOFTHSM2_CONF: hsm.conf,
    HSM_TOKEN_LABEL: 'keystead-crash',
    HSM_PIN: TEST_PIN,
    BITCOIN_BACKEND: 'bcoin',
    BITCOIN_NETWORK: 'regtest',
    BITCOIN_RPC_URL: proxy.url,
    BCOIN_API_KEY: node.apiKey,
    BITCOIN_SYNC_INTERVAL_MS: '300',
  };
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await node?.stop();
  await db?.close();
  hsm?.cleanup();
  if (pgliteRoot) rmSync(pgliteRoot, { recursive: true, force: true });
});

// A failed case shows what the servers printed.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') for (const s of servers) console.error(`--- server ${s.pid} ---\n${s.output()}`);
  for (const s of servers.splice(0)) await s.stop();
});

async function start(crashAt?: CrashPoint) {
  const server = await startAppServer(crashAt ? { ...serverEnv, KEYSTEAD_CRASH_AT: crashAt } : serverEnv);
  servers.push(server);
  return server;
}

const external = () => deriveAddress([generateWalletKey('regtest').origin, generateWalletKey('regtest').origin, generateWalletKey('regtest').origin], 'regtest', 0, 0).address;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function auditOf(admin: Browser, transferId: string) {
  const { entries } = await admin.api.audit.list.query({ limit: 200 });
  return entries.filter((e) => (e.payload as { transferId?: string }).transferId === transferId).map((e) => e.type);
}

describe('kill -9 of the server in the send pipeline', () => {
  it.each(CRASH_POINTS)('killed at %s: after a restart the transaction is broadcast exactly once and confirms', async (point) => {
    const first = await start(point);
    const remote = new RemoteApp(first.url);
    const admin = remote.browser();
    await admin.signup({ orgName: `Crash ${point}`, displayName: 'Casey', email: uniqueEmail('casey') });
    const w = await createActiveWallet(admin, `Crash ${point}`);
    await admin.api.wallets.faucet.mutate({ walletId: w.walletId });
    const t = await admin.api.transfers.create.mutate({ walletId: w.walletId, outputs: [{ address: external(), amount: '0.3' }], feeRateSatVb: 3 });
    await admin.decideTransfer(w.walletId, t.id);
    const material = await admin.api.transfers.signingData.mutate({ walletId: w.walletId, transferId: t.id });
    const xprv = new TextDecoder().decode(await decryptKey(material.envelope, TEST_WALLET_PASSWORD, { walletId: w.walletId, keyRole: 'user' }));
    const signed = signPsbtWithKey(material.psbt, xprv, 'user', { origins: w.origins, network: 'regtest' });
    const broadcastsBefore = proxy.count(BROADCAST);

    // The server dies mid-request: the browser sees a dropped connection, not an answer.
    await expect(admin.api.transfers.submitSignature.mutate({ walletId: w.walletId, transferId: t.id, psbt: signed })).rejects.toThrow();
    expect(await first.exited()).toBe('SIGKILL');
    expect(first.output()).toContain(`crash point ${point} reached`);
    expect(proxy.count(BROADCAST) - broadcastsBefore).toBe(point === 'transfer.broadcast_sent' ? 1 : 0);

    // Restart (no fault): the background job finishes what was started, from the stored bytes.
    const second = await start();
    remote.baseUrl = second.url;
    const sent = await until('the transfer to be broadcast', async () => {
      const list = await admin.api.transfers.list.query({ walletId: w.walletId });
      const row = list.find((r) => r.id === t.id);
      return row?.state === 'broadcast' ? row : null;
    });
    expect(sent.txid).toMatch(/^[0-9a-f]{64}$/);
    expect(await node.chain().transaction(sent.txid!)).not.toBeNull();
    // A browser retrying its submission cannot make the co-signer sign again.
    expect((await expectApiError(() => admin.api.transfers.submitSignature.mutate({ walletId: w.walletId, transferId: t.id, psbt: signed }))).appCode).toBe('TRANSFER_STATE');

    // Mine a block; the transfer confirms; still one broadcast, one co-signature.
    await admin.api.wallets.faucet.mutate({ walletId: w.walletId });
    await until('the transfer to confirm', async () => (await admin.api.transfers.list.query({ walletId: w.walletId })).find((r) => r.id === t.id)?.state === 'confirmed');
    expect(proxy.count(BROADCAST) - broadcastsBefore).toBe(1);
    const trail = await auditOf(admin, t.id);
    expect(trail.filter((type) => type === 'transfer.cosigned')).toHaveLength(1);
    expect(trail.filter((type) => type === 'transfer.broadcast')).toHaveLength(1);
    expect(trail.filter((type) => type === 'transfer.confirmed')).toHaveLength(1);
    await second.stop();
  }, 240_000);
});
