/**
 * The bcoin backend of the chain adapter (server/chains/bitcoin/bcoin.ts) against a REAL bcoin
 * 1.0.2 regtest node started for this file (tests/helpers/bcoin.ts → scripts/bcoin-node.mjs).
 * Checks Bitcoin Core-format addresses (bcrt1…) in and out, exact coinbase values (regtest
 * subsidy halves every 150 blocks), coinbase maturity (100 blocks), the address-index
 * hash collision filter, and that broadcast only resolves once the mempool holds the tx: the
 * rejections below (bad signature, double spend) are ones bcoin's own broadcast calls hide or
 * report as success.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex } from '@scure/base';
import { p2pkh, p2wpkh, Transaction } from '@scure/btc-signer';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { deriveAddress, generateWalletKey, networkParams } from '@/lib/crypto';
import { BcoinChain, createBitcoinChain, isChainError, type ChainErrorCode, type Utxo } from '@/server/chains/bitcoin';
import { startBcoinNode, startPlainBinNode, type TestBcoinNode } from '../helpers/bcoin';

const REGTEST = networkParams('regtest').btcSigner;
const COIN = 100_000_000n;
const HALVING_INTERVAL = 150; // regtest (Bitcoin Core and bcoin chainparams)
const COINBASE_MATURITY = 100;
const FEE = 1_000n;

/** Regtest block subsidy at `height` (no fees in these blocks' coinbases unless txs were mined). */
const subsidy = (height: number) => (50n * COIN) >> BigInt(Math.floor(height / HALVING_INTERVAL));

interface SingleKey {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly address: string;
  readonly script: string;
}

function newKey(): SingleKey {
  const secretKey = secp256k1.utils.randomSecretKey();
  const publicKey = secp256k1.getPublicKey(secretKey, true);
  const payment = p2wpkh(publicKey, REGTEST);
  return { secretKey, publicKey, address: payment.address!, script: hex.encode(payment.script) };
}

/** A signed P2WPKH spend of `coin` (owned by `from`) paying `to` everything but FEE. */
function spend(coin: Utxo, from: SingleKey, to: string): Transaction {
  const tx = new Transaction();
  tx.addInput({ txid: coin.txid, index: coin.vout, witnessUtxo: { script: hex.decode(coin.scriptPubKey), amount: coin.valueSats } });
  tx.addOutputAddress(to, coin.valueSats - FEE, REGTEST);
  tx.signIdx(from.secretKey, 0);
  tx.finalizeIdx(0);
  return tx;
}

async function expectChainError(promise: Promise<unknown>, code: ChainErrorCode) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isChainError(error, code), `expected ChainError ${code}, got ${String(error)}`).toBe(true);
  return error as Error & { reason?: string };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let node: TestBcoinNode;
let chain: BcoinChain;
const throwAway = newKey().address;

beforeAll(async () => {
  node = await startBcoinNode();
  chain = node.chain();
});

afterAll(async () => {
  await node?.stop();
});

describe('bcoin regtest node from scripts/bcoin-node.mjs', () => {
  it('starts past segwit activation: tip at height 432', async () => {
    const tip = await chain.tip();
    expect(tip.height).toBe(432);
    expect(tip.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is what createBitcoinChain builds from the variables the script prints', async () => {
    const fromEnv = createBitcoinChain(node.env);
    expect(fromEnv.network).toBe('regtest');
    expect(await fromEnv.tip()).toEqual(await chain.tip());
  });
});

describe('unspent and history for a 2-of-3 P2WSH wallet address (bcrt1…)', () => {
  const origins = [generateWalletKey('regtest').origin, generateWalletKey('regtest').origin, generateWalletKey('regtest').origin] as const;
  const wallet = deriveAddress(origins, 'regtest', 0, 0);

  it('sees a coinbase paid to it, with the exact subsidy, then its confirmations after maturity', async () => {
    expect(wallet.address).toMatch(/^bcrt1q/);
    const [blockHash] = await chain.mine(1, wallet.address);
    const tip = await chain.tip();
    expect(tip.hash).toBe(blockHash);

    const [coin, ...others] = await chain.unspent([wallet.address]);
    expect(others).toEqual([]);
    expect(coin).toMatchObject({
      vout: 0,
      valueSats: subsidy(tip.height),
      scriptPubKey: wallet.scriptPubKey,
      height: tip.height,
      coinbase: true,
    });
    expect(subsidy(tip.height)).toBe(1_250_000_000n); // 50 BTC halved twice by height 300

    const [tx] = await chain.history([wallet.address]);
    expect(tx).toMatchObject({ txid: coin!.txid, height: tip.height, blockHash, confirmations: 1 });

    await chain.mine(COINBASE_MATURITY, throwAway);
    expect(await chain.transaction(coin!.txid)).toMatchObject({ height: tip.height, confirmations: COINBASE_MATURITY + 1 });
    expect(await chain.unspent([wallet.address])).toEqual([coin]);
  });

  it('answers nothing for an address never paid, and [] for no addresses', async () => {
    const unused = deriveAddress(origins, 'regtest', 0, 1).address;
    expect(await chain.unspent([unused])).toEqual([]);
    expect(await chain.history([unused])).toEqual([]);
    expect(await chain.unspent([])).toEqual([]);
  });

  it('filters bcoin’s hash-only address index: P2PKH coins of a key are not P2WPKH coins', async () => {
    const key = newKey();
    const legacy = p2pkh(key.publicKey, REGTEST).address!; // same hash160 as key.address
    await chain.mine(1, legacy);
    expect(await chain.unspent([key.address])).toEqual([]);
    expect(await chain.history([key.address])).toEqual([]);
    const [coin] = await chain.unspent([legacy]);
    expect(coin?.scriptPubKey).toMatch(/^76a914/);
  });

  it('rejects addresses of other networks and bcoin’s own rb1… encoding', async () => {
    await expectChainError(chain.unspent(['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4']), 'INVALID_ADDRESS');
    const bcoinStyle = wallet.address.replace(/^bcrt1/, 'rb1'); // wrong checksum too, still not ours
    await expectChainError(chain.history([bcoinStyle]), 'INVALID_ADDRESS');
  });
});

describe('broadcast', () => {
  const alice = newKey();
  const bob = newKey();
  let aliceCoins: Utxo[];

  beforeAll(async () => {
    await chain.mine(3, alice.address);
    await chain.mine(COINBASE_MATURITY, throwAway);
    aliceCoins = await chain.unspent([alice.address]);
  });

  it('resolves once the mempool holds the tx; confirmations follow mined blocks', async () => {
    expect(aliceCoins).toHaveLength(3);
    const coin = aliceCoins[0]!;
    const tx = spend(coin, alice, bob.address);

    expect(await chain.broadcast(tx.hex)).toBe(tx.id);
    expect(await chain.transaction(tx.id)).toEqual({ txid: tx.id, hex: tx.hex, height: null, blockHash: null, confirmations: 0 });
    expect(await chain.unspent([bob.address])).toEqual([
      { txid: tx.id, vout: 0, valueSats: coin.valueSats - FEE, scriptPubKey: bob.script, height: null, coinbase: false },
    ]);
    const aliceNow = await chain.unspent([alice.address]);
    expect(aliceNow.map((u) => u.txid)).not.toContain(coin.txid); // spent in the mempool
    const spendInHistory = (await chain.history([alice.address])).find((t) => t.txid === tx.id);
    expect(spendInHistory).toMatchObject({ height: null, confirmations: 0 }); // found through its input

    const [blockHash] = await chain.mine(1, throwAway);
    const tip = await chain.tip();
    expect(await chain.transaction(tx.id)).toMatchObject({ height: tip.height, blockHash, confirmations: 1 });
    await chain.mine(2, throwAway);
    expect(await chain.transaction(tx.id)).toMatchObject({ height: tip.height, confirmations: 3 });
    expect(await chain.broadcast(tx.hex)).toBe(tx.id); // already confirmed: still success

    expect((await chain.history([alice.address])).find((t) => t.txid === tx.id)).toMatchObject({ height: tip.height, blockHash });
    const history = await chain.history([alice.address, bob.address]);
    expect(history.map((t) => t.txid)).toContain(tx.id);
    const heights = history.map((t) => t.height ?? Infinity);
    expect(heights).toEqual([...heights].sort((a, b) => a - b));
  });

  it('rejects a bad segwit signature, which bcoin reports as success (mempool check)', async () => {
    const tx = spend(aliceCoins[1]!, alice, bob.address);
    const signature = hex.encode(tx.getInput(0).finalScriptWitness![0]!);
    const flipped = signature.slice(0, 20) + (signature[20] === '0' ? '1' : '0') + signature.slice(21); // a byte of r
    const tampered = tx.hex.replace(signature, flipped);
    expect(tampered).not.toBe(tx.hex);

    const error = await expectChainError(chain.broadcast(tampered), 'BROADCAST_REJECTED');
    expect(error.reason).toMatch(/inputs are unspent.*invalid segwit signature/);
    expect(await chain.transaction(tx.id)).toBeNull();
    expect((await chain.unspent([alice.address])).map((u) => u.txid)).toContain(aliceCoins[1]!.txid);
  });

  it('passes on the reason when bcoin does report one (outputs above inputs)', async () => {
    const coin = aliceCoins[1]!;
    const tx = new Transaction();
    // Tell the signer the coin is worth more than it is, so it lets the outputs exceed the input.
    const claimed = coin.valueSats + 10_000n;
    tx.addInput({ txid: coin.txid, index: coin.vout, witnessUtxo: { script: hex.decode(coin.scriptPubKey), amount: claimed } });
    tx.addOutputAddress(bob.address, coin.valueSats + 1n, REGTEST);
    tx.signIdx(alice.secretKey, 0);
    tx.finalizeIdx(0);
    const error = await expectChainError(chain.broadcast(tx.hex), 'BROADCAST_REJECTED');
    expect(error.reason).toBe('bad-txns-in-belowout');
  });

  it('rejects a double spend that bcoin reports as success (mempool check)', async () => {
    const coin = aliceCoins[2]!;
    const first = spend(coin, alice, bob.address);
    const second = spend(coin, alice, throwAway);
    expect(await chain.broadcast(first.hex)).toBe(first.id);

    const started = Date.now();
    const error = await expectChainError(chain.broadcast(second.hex), 'BROADCAST_REJECTED');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.reason).toMatch(/already spent/);
    expect(await chain.transaction(second.id)).toBeNull();
    expect(await chain.transaction(first.id)).toMatchObject({ confirmations: 0 });
  });

  it('rejects bytes that are not a transaction without sending them', async () => {
    for (const junk of ['00', 'not hex', '']) {
      const error = await expectChainError(chain.broadcast(junk), 'BROADCAST_REJECTED');
      expect(error.reason).toMatch(/TX decode failed/);
    }
    await expect(chain.broadcast(42 as unknown as string)).rejects.toThrow(TypeError);
  });
});

describe('fee rate, errors and configuration', () => {
  it('falls back to the configured floor: regtest has no fee estimates', async () => {
    expect(await chain.feeRate(2)).toEqual({ satPerVb: 2, source: 'fallback' });
    expect(await node.chain({ feeFloorSatPerVb: 5 }).feeRate(6)).toEqual({ satPerVb: 5, source: 'fallback' });
    await expect(chain.feeRate(0)).rejects.toThrow(RangeError);
  });

  it('NODE_UNREACHABLE when nothing listens, NODE_AUTH with a wrong API key', async () => {
    const nowhere = new BcoinChain({ network: 'regtest', url: `http://127.0.0.1:${await freePort()}`, apiKey: 'x', feeFloorSatPerVb: 2 });
    const unreachable = await expectChainError(nowhere.tip(), 'NODE_UNREACHABLE');
    expect(unreachable.message).toMatch(/ECONNREFUSED/);
    const key = newKey();
    await expectChainError(nowhere.broadcast(spend(fakeCoin(key), key, throwAway).hex), 'NODE_UNREACHABLE');
    await expectChainError(node.chain({ apiKey: 'wrong-key' }).unspent([throwAway]), 'NODE_AUTH');
  });

  it('NETWORK_MISMATCH when the node is not on the configured network', async () => {
    await expectChainError(node.chain({ network: 'testnet' }).tip(), 'NETWORK_MISMATCH');
  });

  it('NODE_MISCONFIGURED, not an empty wallet, on a node whose address index is empty', async () => {
    // bcoin's own bin/node with --index-tx --index-address but without the leveldown-6 fix:
    // every range scan on disk returns nothing, so address queries answer [].
    const plain = await startPlainBinNode();
    try {
      const misconfigured = new BcoinChain({ network: 'regtest', url: plain.url, apiKey: plain.apiKey, feeFloorSatPerVb: 2 });
      const key = newKey();
      await misconfigured.mine(1, key.address);
      await expectChainError(misconfigured.unspent([key.address]), 'NODE_MISCONFIGURED');
      await expectChainError(misconfigured.history([key.address]), 'NODE_MISCONFIGURED');
    } finally {
      await plain.stop();
    }
  });

  it('mine() is refused off regtest', async () => {
    await expectChainError(node.chain({ network: 'mainnet' }).mine(1, 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'), 'UNSUPPORTED');
  });

  it('createBitcoinChain: CONFIG_INVALID for bad variables', () => {
    expect(() => createBitcoinChain({ BITCOIN_BACKEND: 'electrum' })).toThrow(/BITCOIN_BACKEND/);
    expect(() => createBitcoinChain({ BITCOIN_RPC_URL: 'http://u:p@127.0.0.1:1' })).toThrow(/credentials/);
    expect(() => createBitcoinChain({ BITCOIN_BACKEND: 'bitcoind' })).toThrow(/BITCOIN_RPC_USER/);
    expect(createBitcoinChain({}).network).toBe('regtest');
  });
});

/** A made-up coin of `key`: enough to sign a transaction no node will see. */
function fakeCoin(key: SingleKey): Utxo {
  return { txid: 'ab'.repeat(32), vout: 0, valueSats: 10_000n, scriptPubKey: key.script, height: 1, coinbase: false };
}
