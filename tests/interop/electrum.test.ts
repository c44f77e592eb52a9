/**
 * Interop with Electrum 4.x (Debian's electrum 4.3.4; CI installs it through
 * `bash scripts/setup.sh --test`): the wallet file from lib/wallet-export opens in Electrum, which
 * derives exactly our addresses and signs our PSBTs, and its signatures finalize and broadcast.
 *
 * Electrum runs fully offline, one CLI process per command, no daemon:
 *   electrum --regtest --offline -D <tmp data dir> -w <wallet file> listaddresses --receiving
 *   electrum --regtest --offline -D <tmp data dir> -w <wallet file> signtransaction <psbt base64>
 * Each process is started with execFile and a timeout (SIGKILL to that one PID on expiry).
 * Skipped, with a message, only when `electrum` is not on PATH.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex } from '@scure/base';
import { Address, SigHash, Transaction } from '@scure/btc-signer';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { deriveAddress, generateWalletKey, networkParams, type KeyOrigin } from '@/lib/crypto';
import { decodePsbt, describePsbt, finalizeAndExtract, signPsbtWithKey } from '@/lib/crypto/psbt';
import { electrumWalletFileText, fromSlip132P2wsh, type ElectrumExportOptions } from '@/lib/wallet-export';
import { buildUnsignedPsbt, type WalletUtxo } from '@/server/bitcoin/build-psbt';
import { startBcoinNode, type TestBcoinNode } from '../helpers/bcoin';

const execFileAsync = promisify(execFile);
const ELECTRUM = spawnSync('which', ['electrum'], { encoding: 'utf8' }).stdout.trim();
const ELECTRUM_TIMEOUT_MS = 90_000;
const NETWORK = 'regtest' as const;
const COINBASE_MATURITY = 100;

if (!ELECTRUM) console.warn('tests/interop/electrum.test.ts SKIPPED: `electrum` is not installed (bash scripts/setup.sh --test installs it).');

const user = generateWalletKey(NETWORK);
const backup = generateWalletKey(NETWORK);
const cosigner = generateWalletKey(NETWORK); // stands in for the HSM key: only its xpub goes to Electrum
const origins: readonly [KeyOrigin, KeyOrigin, KeyOrigin] = [user.origin, backup.origin, cosigner.origin];
const wallet = { origins, network: NETWORK };

let dir = '';

function writeWallet(name: string, options?: ElectrumExportOptions): string {
  const file = path.join(dir, 'regtest', 'wallets', name);
  writeFileSync(file, electrumWalletFileText(origins, NETWORK, options), { mode: 0o600 });
  return file;
}

/** One offline Electrum command on `walletFile`; stdout trimmed. */
async function electrum(walletFile: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(ELECTRUM, ['--regtest', '--offline', '-D', dir, '-w', walletFile, ...args], {
    timeout: ELECTRUM_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, HOME: dir },
  });
  return stdout.trim();
}

function externalAddress(byte = 7): string {
  return Address(networkParams(NETWORK).btcSigner).encode({ type: 'wpkh', hash: new Uint8Array(20).fill(byte) });
}

function unsignedPsbt(utxo: WalletUtxo, sendSats: bigint): string {
  return buildUnsignedPsbt({
    wallet,
    utxos: [utxo],
    outputs: [{ address: externalAddress(), valueSats: sendSats }],
    feeRateSatVb: 2,
    change: { index: 0 },
    rbf: true,
    tipHeight: 500,
  }).psbtBase64;
}

/** Electrum's finished transaction checked against our PSBT: same unsigned tx, 2-of-3 witness whose signatures verify (BIP143, ALL). */
function expectValidWitness(electrumTxHex: string, psbtBase64: string, signers: readonly KeyOrigin[]) {
  const ours = decodePsbt(psbtBase64);
  const input = ours.getInput(0);
  const theirs = Transaction.fromRaw(hex.decode(electrumTxHex), { allowUnknownOutputs: true, disableScriptCheck: true });
  expect(theirs.id).toBe(ours.id); // same inputs, outputs, version, locktime, sequence
  const witness = theirs.getInput(0).finalScriptWitness!;
  expect(witness).toHaveLength(4);
  expect(witness[0]).toHaveLength(0); // CHECKMULTISIG dummy
  expect(hex.encode(witness[3]!)).toBe(hex.encode(input.witnessScript!));
  const digest = ours.preimageWitnessV0(0, input.witnessScript!, SigHash.ALL, input.witnessUtxo!.amount);
  const branchIndex = (input.bip32Derivation!.at(0)![1].path as number[]).slice(-2) as [0 | 1, number];
  const { pubkeys } = deriveAddress(origins, NETWORK, branchIndex[0], branchIndex[1]);
  const signerPubkeys = signers.map((o) => {
    const entry = input.bip32Derivation!.find(([, d]) => d.fingerprint === Number.parseInt(o.fingerprint, 16));
    return hex.encode(entry![0]);
  });
  // Signatures in script (BIP67) key order, each by one of the two signers.
  const expectedOrder = pubkeys.filter((p) => signerPubkeys.includes(p));
  expect(expectedOrder).toHaveLength(2);
  [witness[1]!, witness[2]!].forEach((sig, i) => {
    expect(sig.at(-1)).toBe(SigHash.ALL);
    expect(secp256k1.verify(sig.subarray(0, -1), digest, hex.decode(expectedOrder[i]!), { prehash: false, format: 'der', lowS: true })).toBe(true);
  });
  return { witness, theirs };
}

describe.skipIf(!ELECTRUM)('Electrum 4.x opens the exported 2-of-3 wallet (offline, regtest)', () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'keystead-electrum-'));
    spawnSync('mkdir', ['-p', path.join(dir, 'regtest', 'wallets')]);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('derives exactly our receive and change addresses from the watch-only file and from the signing file', async () => {
    const receive = Array.from({ length: 20 }, (_, i) => deriveAddress(origins, NETWORK, 0, i).address);
    const change = Array.from({ length: 10 }, (_, i) => deriveAddress(origins, NETWORK, 1, i).address);
    for (const file of [writeWallet('watch-only'), writeWallet('signing', { masterXprvs: { user: user.masterXprv, backup: backup.masterXprv } })]) {
      const electrumReceive = JSON.parse(await electrum(file, 'listaddresses', '--receiving')) as string[];
      const electrumChange = JSON.parse(await electrum(file, 'listaddresses', '--change')) as string[];
      expect(electrumReceive.slice(0, 20)).toEqual(receive);
      expect(electrumChange.slice(0, 10)).toEqual(change);
    }
  });

  it('reports Key #1’s account key as the SLIP-132 Vpub of our tpub', async () => {
    const file = writeWallet('watch-only-mpk');
    const mpk = await electrum(file, 'getmpk'); // a multisig wallet answers with its x1/ keystore (Key #1)
    expect(mpk).toMatch(/^Vpub/);
    expect(fromSlip132P2wsh(mpk, NETWORK)).toBe(user.origin.xpub);
  });

  it('signs our PSBT with Key #1 and Key #2 and finalizes a transaction our code accepts byte for byte', async () => {
    const file = writeWallet('signing-2', { masterXprvs: { user: user.masterXprv, backup: backup.masterXprv } });
    const coin = deriveAddress(origins, NETWORK, 0, 3);
    const psbt = unsignedPsbt({ txid: 'ab'.repeat(32), vout: 1, valueSats: 150_000n, scriptPubKey: coin.scriptPubKey, branch: 0, index: 3, confirmations: 6 }, 60_000n);
    const signedHex = await electrum(file, 'signtransaction', psbt);
    expect(signedHex).toMatch(/^[0-9a-f]+$/); // complete: raw hex, not a PSBT
    const { witness } = expectValidWitness(signedHex, psbt, [user.origin, backup.origin]);

    // Electrum's two signatures, put into our PSBT, pass our finalizer's checks and give the same bytes.
    const tx = decodePsbt(psbt);
    const input = tx.getInput(0);
    const sigs = [witness[1]!, witness[2]!];
    const partialSig = sigs.map((sig) => {
      const digest = tx.preimageWitnessV0(0, input.witnessScript!, SigHash.ALL, input.witnessUtxo!.amount);
      const key = coin.pubkeys.find((p) => secp256k1.verify(sig.subarray(0, -1), digest, hex.decode(p), { prehash: false, format: 'der' }))!;
      return [hex.decode(key), sig] as [Uint8Array, Uint8Array];
    });
    tx.updateInput(0, { partialSig });
    const finalized = finalizeAndExtract(Buffer.from(tx.toPSBT(0)).toString('base64'));
    expect(finalized.txHex).toBe(signedHex);
  });

  it('a watch-only file signs nothing', async () => {
    const file = writeWallet('watch-only-sign');
    const coin = deriveAddress(origins, NETWORK, 0, 1);
    const psbt = unsignedPsbt({ txid: 'cd'.repeat(32), vout: 0, valueSats: 90_000n, scriptPubKey: coin.scriptPubKey, branch: 0, index: 1, confirmations: 6 }, 30_000n);
    const out = await electrum(file, 'signtransaction', psbt);
    expect(decodePsbt(out).getInput(0).partialSig ?? []).toHaveLength(0);
  });

  it('Electrum signs with Key #1 only; our checks accept its PSBT, Key #2 signs in our code and it finalizes', async () => {
    const file = writeWallet('user-only', { masterXprvs: { user: user.masterXprv } });
    const coin = deriveAddress(origins, NETWORK, 1, 2);
    const psbt = unsignedPsbt({ txid: 'ef'.repeat(32), vout: 2, valueSats: 120_000n, scriptPubKey: coin.scriptPubKey, branch: 1, index: 2, confirmations: 6 }, 50_000n);
    const partial = await electrum(file, 'signtransaction', psbt);
    expect(decodePsbt(partial).getInput(0).partialSig).toHaveLength(1);
    expect(describePsbt(partial, wallet).inputs).toHaveLength(1); // every input/derivation still passes lib/crypto's checks
    const both = signPsbtWithKey(partial, backup.masterXprv, 'backup', wallet);
    const { txHex } = finalizeAndExtract(both);
    expectValidWitness(txHex, psbt, [user.origin, backup.origin]);
  });

  describe('on a real regtest chain (bcoin)', () => {
    let node: TestBcoinNode;
    beforeAll(async () => {
      node = await startBcoinNode();
    });
    afterAll(async () => {
      await node?.stop();
    });

    it('Electrum’s signed spend of a coin at our first address is accepted and mined', async () => {
      const chain = node.chain();
      const first = deriveAddress(origins, NETWORK, 0, 0);
      await chain.mine(1, first.address);
      await chain.mine(COINBASE_MATURITY, externalAddress(9));
      const [utxo, ...rest] = await chain.unspent([first.address]);
      expect(rest).toEqual([]);
      const psbt = unsignedPsbt(
        { txid: utxo!.txid, vout: utxo!.vout, valueSats: utxo!.valueSats, scriptPubKey: utxo!.scriptPubKey, branch: 0, index: 0, confirmations: COINBASE_MATURITY + 1, isCoinbase: true },
        100_000_000n,
      );
      const file = writeWallet('chain', { masterXprvs: { user: user.masterXprv, backup: backup.masterXprv } });
      const signedHex = await electrum(file, 'signtransaction', psbt);
      const { theirs } = expectValidWitness(signedHex, psbt, [user.origin, backup.origin]);
      expect(await chain.broadcast(signedHex)).toBe(theirs.id);
      await chain.mine(1, externalAddress(9));
      expect(await chain.transaction(theirs.id)).toMatchObject({ txid: theirs.id, confirmations: 1 });
      expect(await chain.unspent([first.address])).toEqual([]);
    });
  });
});

if (!ELECTRUM) {
  describe('Electrum interop', () => {
    it.skip('SKIPPED: `electrum` is not installed (bash scripts/setup.sh --test installs it)', () => {});
  });
}
