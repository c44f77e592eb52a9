/**
 * Recovery from the key card alone against a REAL bcoin regtest node (tests/helpers/bcoin.ts):
 * coins mined to a receive address, a change address and receive index 25 of the card's wallet;
 * found with a gap-limit scan (gap 30) that asks the node address by address; swept with Key #1
 * and Key #2 only (no co-signer); accepted by the node and confirmed. Then the CLI, in a child
 * process, with a card JSON file, a coin file and the password in the environment.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWalletKey, deriveAddress } from '@/lib/crypto';
import { splitPassword } from '@/lib/crypto/password-shares';
import { buildSweep, cardAddresses, mapUtxos, parseUtxos, scanAddressesAsync, unlockKeycard } from '@/lib/recovery';
import type { BcoinChain } from '@/server/chains/bitcoin';
import { startBcoinNode, type TestBcoinNode } from '../helpers/bcoin';
import { RECOVERY_PASSWORD, makeTestCard, type TestCard } from '../unit/recovery/make-card';

const ROOT = path.resolve(__dirname, '../..');
let node: TestBcoinNode;
let chain: BcoinChain;
let t: TestCard;
let dir: string;
const elsewhere = () => deriveAddress([generateWalletKey('regtest').origin, generateWalletKey('regtest').origin, generateWalletKey('regtest').origin], 'regtest', 0, 0).address;

beforeAll(async () => {
  node = await startBcoinNode();
  chain = node.chain();
  t = await makeTestCard('regtest');
  dir = mkdtempSync(path.join(tmpdir(), 'keystead-recovery-'));
  const receive = cardAddresses(t.card, 0, 0, 26);
  const change = cardAddresses(t.card, 1, 0, 4);
  await chain.mine(1, receive[0]!.address);
  await chain.mine(1, change[3]!.address);
  await chain.mine(1, receive[25]!.address);
  await chain.mine(100, elsewhere()); // coinbase maturity
});

afterAll(async () => {
  await node?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sweep from the key card on a real node', () => {
  let sweepTxid: string;
  let coinsFile: string;
  let cardFile: string;
  let to: string;

  it('finds the coins by gap scanning, sweeps them with the two card keys, and the node accepts and confirms it', async () => {
    const scan = await scanAddressesAsync(t.card, async (a) => (await chain.unspent([a.address])).length > 0, { gap: 30 });
    expect(scan.used.map((a) => `${a.branch}/${a.index}`)).toEqual(['0/0', '0/25', '1/3']);
    const found = await chain.unspent(scan.used.map((a) => a.address));
    expect(found).toHaveLength(3);
    // What a person would paste: the generic list (value in sats, with the address).
    const pasted = JSON.stringify(found.map((u) => ({ txid: u.txid, vout: u.vout, value: Number(u.valueSats), scriptPubKey: u.scriptPubKey })));
    coinsFile = path.join(dir, 'coins.json');
    writeFileSync(coinsFile, pasted);
    const parsed = parseUtxos(pasted);
    expect(() => mapUtxos(t.card, parsed)).toThrow(expect.objectContaining({ code: 'UTXO_UNKNOWN' })); // index 25 is beyond gap 20
    const utxos = mapUtxos(t.card, parsed, { gap: 30 });

    const keys = await unlockKeycard(t.card, RECOVERY_PASSWORD);
    to = elsewhere();
    const sweep = buildSweep({ card: t.card, keys, utxos, destination: to, feeRateSatVb: 2 });
    const total = found.reduce((s, u) => s + u.valueSats, 0n);
    expect(sweep.totalInSats).toBe(total);
    expect(sweep.amountSats + sweep.feeSats).toBe(total);

    expect(await chain.broadcast(sweep.txHex)).toBe(sweep.txid);
    expect((await chain.transaction(sweep.txid))?.confirmations).toBe(0);
    await chain.mine(1, elsewhere());
    expect((await chain.transaction(sweep.txid))?.confirmations).toBe(1);
    const received = await chain.unspent([to]);
    expect(received.map((u) => [u.txid, u.valueSats])).toEqual([[sweep.txid, sweep.amountSats]]);
    expect(await chain.unspent(scan.used.map((a) => a.address))).toEqual([]);
    sweepTxid = sweep.txid;
  });

  it('the CLI prints the same transaction, offline, from a card JSON file and a coin file', () => {
    cardFile = path.join(dir, 'card.json');
    writeFileSync(cardFile, JSON.stringify(t.card));
    const run = (args: string[], password?: string) =>
      spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'scripts/recover.ts'), ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, KEYSTEAD_RECOVERY_PASSWORD: password ?? '' },
        timeout: 60_000,
      });
    const ok = run(['--card', cardFile, '--utxos', coinsFile, '--to', to, '--fee-rate', '2', '--gap', '30'], RECOVERY_PASSWORD);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(t.card.firstAddress.address);
    expect(ok.stdout).toContain(`txid: ${sweepTxid}`);
    expect(ok.stdout).toMatch(/Signed PSBT \(Key #1 \+ Key #2\):\ncHNidP/);

    const wrong = run(['--card', cardFile, '--utxos', coinsFile, '--to', to, '--fee-rate', '2', '--gap', '30'], 'not the password');
    expect(wrong.status).toBe(20);
    expect(wrong.stderr).toContain('WRONG_PASSWORD');
    const gap = run(['--card', cardFile, '--utxos', coinsFile, '--to', to, '--fee-rate', '2'], RECOVERY_PASSWORD);
    expect(gap.status).toBe(31);
    expect(gap.stderr).toContain('UTXO_UNKNOWN');
    const addresses = run(['--card', cardFile, '--addresses', '3']);
    expect(addresses.status, addresses.stderr).toBe(0);
    expect(addresses.stdout).toContain(`0/0  ${t.card.firstAddress.address}`);
    const mainnet = run(['--card', cardFile, '--network', 'mainnet', '--addresses', '3']);
    expect(mainnet.status).toBe(16);
    expect(run(['--card', cardFile, '--password', 'x']).status).toBe(2);
  });

  it('the CLI rebuilds the password from officers’ share cards instead (no vendor secret); a typo is named', async () => {
    const shares = await splitPassword(RECOVERY_PASSWORD, { k: 2, n: 3, walletId: t.card.wallet.id });
    const sharesFile = path.join(dir, 'shares.txt');
    writeFileSync(sharesFile, `${shares[2]!.text}\n${shares[0]!.text}\n`);
    const cli = (file: string) =>
      spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'scripts/recover.ts'), '--card', cardFile, '--utxos', coinsFile, '--to', to, '--fee-rate', '2', '--gap', '30', '--shares', file], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, KEYSTEAD_RECOVERY_PASSWORD: '' },
        timeout: 60_000,
      });
    const ok = cli(sharesFile);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`txid: ${sweepTxid}`);
    const typo = shares[0]!.text.replace(/-([0-9A-Z])([0-9A-Z]{4})-/, (_m, c: string, rest: string) => `-${c === 'A' ? 'B' : 'A'}${rest}-`);
    writeFileSync(sharesFile, `${shares[2]!.text}\n${typo}\n`);
    const bad = cli(sharesFile);
    expect(bad.status).toBe(22);
    expect(bad.stderr).toContain('SHARE_CHECKSUM');
  });
});
