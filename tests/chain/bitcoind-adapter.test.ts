/**
 * The Bitcoin Core backend (server/chains/bitcoin/bitcoind.ts): request and reply mapping.
 *
 * NOTE: bitcoind cannot be installed on these machines, so — for THIS backend only — the node is
 * a tiny in-process fake JSON-RPC server on 127.0.0.1 that replays replies recorded in
 * tests/fixtures/bitcoind-rpc.json (shaped after Bitcoin Core 28's RPC documentation; see its
 * "_about"). It speaks Core's HTTP conventions: basic auth, `/` and `/wallet/<name>` endpoints,
 * HTTP 500 + {result:null, error:{code,message}} for RPC errors, 401 with an empty body for bad
 * credentials. It checks what the adapter asks (methods, params, endpoint) and how it maps what
 * comes back; it cannot prove Core behaves as documented. The bcoin backend is tested against a
 * real node (bcoin-adapter.test.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyDescriptorChecksum } from '@/lib/crypto';
import { BitcoindChain, createBitcoinChain, isChainError, type ChainErrorCode } from '@/server/chains/bitcoin';
import fixture from '../fixtures/bitcoind-rpc.json';

type Replies = typeof fixture.replies;
type ErrorEnvelope = { result: null; error: { code: number; message: string }; id: string };

const { W0, W1, W9, X } = fixture.addresses;
const TX = fixture.txs;
const USER = 'keystead';
const PASSWORD = 'rpc-secret';
const WALLET = 'keystead-watch';

interface RpcCall {
  readonly path: string;
  readonly method: string;
  readonly params: unknown[];
  readonly authorization: string | undefined;
}
type Handler = (params: unknown[], path: string) => unknown;

const isErrorEnvelope = (value: unknown): value is ErrorEnvelope =>
  typeof value === 'object' && value !== null && 'error' in value && (value as ErrorEnvelope).error !== null && 'result' in value;

/** The fake node: replays fixture replies; `handlers` override single methods per test. */
class FakeBitcoind {
  readonly calls: RpcCall[] = [];
  handlers = new Map<string, Handler>();
  chain = 'regtest';
  isWalletLoaded = false;
  mempool = new Set<string>();
  rawStatus: { status: number; body: string } | undefined;
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.headers.authorization !== `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`) {
          res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="jsonrpc"' }).end();
          return;
        }
        if (this.rawStatus) {
          res.writeHead(this.rawStatus.status, { 'content-type': 'text/html' }).end(this.rawStatus.body);
          return;
        }
        const request = JSON.parse(body) as { method: string; params: unknown[]; id: unknown };
        const path = req.url ?? '/';
        this.calls.push({ path, method: request.method, params: request.params, authorization: req.headers.authorization });
        const reply = this.#reply(request.method, request.params, path);
        if (isErrorEnvelope(reply)) {
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ ...reply, id: request.id }));
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: reply, error: null, id: request.id }));
        }
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  reset(): void {
    this.calls.length = 0;
    this.handlers.clear();
    this.chain = 'regtest';
    this.isWalletLoaded = false;
    this.mempool = new Set();
    this.rawStatus = undefined;
  }

  methods(): string[] {
    return this.calls.map((c) => c.method);
  }

  call(method: string): RpcCall {
    const call = this.calls.find((c) => c.method === method);
    if (!call) throw new Error(`${method} was not called; calls: ${this.methods().join(', ')}`);
    return call;
  }

  #reply(method: string, params: unknown[], path: string): unknown {
    const override = this.handlers.get(method);
    if (override) return override(params, path);
    const replies: Replies = fixture.replies;
    const isWalletPath = path.startsWith('/wallet/');
    if (isWalletPath && (path !== `/wallet/${WALLET}` || !this.isWalletLoaded)) return replies['wallet.not_loaded'];
    const byKey = <T>(table: Record<string, T>, key: unknown, missing: unknown) => table[String(key)] ?? missing;
    switch (method) {
      case 'getblockchaininfo':
        return { ...replies.getblockchaininfo, chain: this.chain };
      case 'loadwallet':
        return this.isWalletLoaded ? replies['loadwallet.already_loaded'] : replies['loadwallet.not_found'];
      case 'createwallet':
        this.isWalletLoaded = true;
        return replies.createwallet;
      case 'listdescriptors':
        return replies.listdescriptors;
      case 'importdescriptors':
        return (params[0] as unknown[]).map(() => ({ success: true }));
      case 'listunspent':
        return replies.listunspent;
      case 'listsinceblock':
        return replies.listsinceblock;
      case 'gettransaction':
        return byKey(replies.gettransaction, params[0], replies['gettransaction.not_found']);
      case 'getrawtransaction':
        return byKey(replies.getrawtransaction, params[0], replies['getrawtransaction.not_found']);
      case 'getblockheader':
        return byKey(replies.getblockheader, params[0], replies['getrawtransaction.not_found']);
      case 'sendrawtransaction': {
        const txid = Object.values(TX).find((t) => t.hex === params[0])?.txid;
        if (txid) this.mempool.add(txid);
        return txid;
      }
      case 'getmempoolentry':
        return this.mempool.has(String(params[0])) ? replies.getmempoolentry : replies['getmempoolentry.not_found'];
      case 'estimatesmartfee':
        return replies.estimatesmartfee;
      case 'generatetoaddress':
        return replies.generatetoaddress;
      default:
        return { result: null, error: { code: -32601, message: 'Method not found' }, id: null };
    }
  }
}

async function expectChainError(promise: Promise<unknown>, code: ChainErrorCode) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isChainError(error, code), `expected ChainError ${code}, got ${String(error)}`).toBe(true);
  return error as Error & { reason?: string; rpcCode?: number };
}

const fake = new FakeBitcoind();
const newChain = (overrides: Partial<ConstructorParameters<typeof BitcoindChain>[0]> = {}) =>
  new BitcoindChain({ network: 'regtest', url: fake.url, user: USER, password: PASSWORD, wallet: WALLET, feeFloorSatPerVb: 2, ...overrides });

beforeAll(() => fake.start());
afterAll(() => fake.stop());
afterEach(() => fake.reset());

describe('tip: getblockchaininfo', () => {
  it('maps blocks and bestblockhash, with basic auth on the node endpoint', async () => {
    expect(await newChain().tip()).toEqual({ height: 205, hash: fixture.blocks['205'] });
    expect(fake.calls).toEqual([
      { path: '/', method: 'getblockchaininfo', params: [], authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` },
    ]);
  });

  it('NETWORK_MISMATCH for another chain; testnet accepts testnet3 ("test") and testnet4', async () => {
    fake.chain = 'main';
    await expectChainError(newChain().tip(), 'NETWORK_MISMATCH');
    fake.chain = 'testnet4';
    expect((await newChain({ network: 'testnet' }).tip()).height).toBe(205);
  });
});

describe('the watch-only descriptor wallet', () => {
  it('is created on first use, imports only addresses it lacks (addr() with BIP380 checksums), once', async () => {
    const chain = newChain();
    const before = Math.floor(Date.now() / 1000);
    await chain.unspent([W0, W1, W9]);
    expect(fake.methods().slice(0, 4)).toEqual(['loadwallet', 'createwallet', 'listdescriptors', 'importdescriptors']);
    expect(fake.call('loadwallet')).toMatchObject({ path: '/', params: [WALLET] });
    // name, disable_private_keys, blank, passphrase, avoid_reuse, descriptors, load_on_startup
    expect(fake.call('createwallet').params).toEqual([WALLET, true, true, '', false, true, true]);
    expect(fake.call('listdescriptors').path).toBe(`/wallet/${WALLET}`);

    const [requests] = fake.call('importdescriptors').params as [{ desc: string; timestamp: number }[]];
    expect(requests.map((r) => r.desc.split('#')[0])).toEqual([`addr(${W0})`, `addr(${W1})`]); // W9: listed already
    for (const r of requests) {
      expect(verifyDescriptorChecksum(r.desc)).toBe(true);
      expect(r.timestamp).toBeGreaterThanOrEqual(before - 24 * 3600 - 5); // default: 24 h rescan window
      expect(r.timestamp).toBeLessThanOrEqual(before - 24 * 3600 + 5);
    }

    fake.calls.length = 0;
    await chain.history([W1, W0]);
    expect(fake.methods()).not.toContain('importdescriptors');
    expect(fake.methods()).not.toContain('loadwallet');
  });

  it('loads an existing wallet (already loaded is fine) and honours BITCOIN_WATCH_RESCAN_SINCE', async () => {
    fake.isWalletLoaded = true;
    await newChain({ rescanSince: 'now' }).unspent([W0]);
    expect(fake.methods()).not.toContain('createwallet');
    const [[request]] = fake.call('importdescriptors').params as [{ timestamp: unknown }[]];
    expect(request!.timestamp).toBe('now');
  });

  it('reloads the wallet once when the node restarted without it', async () => {
    const chain = newChain();
    await chain.unspent([W0]);
    fake.isWalletLoaded = false; // node restart
    fake.handlers.set('loadwallet', () => {
      fake.isWalletLoaded = true;
      return { name: WALLET };
    });
    fake.calls.length = 0;
    expect(await chain.unspent([W0])).toHaveLength(2);
    expect(fake.methods().slice(0, 3)).toEqual(['listunspent', 'loadwallet', 'listunspent']);
  });

  it('RPC_ERROR naming the address when an import fails', async () => {
    fake.handlers.set('importdescriptors', () => fixture.replies['importdescriptors.failed']);
    const error = await expectChainError(newChain().unspent([W0]), 'RPC_ERROR');
    expect(error.message).toContain(W0);
    expect(error.reason).toMatch(/checksum/);
  });
});

describe('unspent: listunspent + gettransaction', () => {
  it('includes mempool and immature coinbase outputs, amounts exact in satoshis', async () => {
    const utxos = await newChain().unspent([W0, W1]);
    expect(fake.call('listunspent')).toMatchObject({
      path: `/wallet/${WALLET}`,
      params: [0, 9_999_999, [W0, W1], true, { include_immature_coinbase: true }],
    });
    expect(utxos).toEqual([
      { txid: TX.A.txid, vout: 0, valueSats: 1_250_000_000n, scriptPubKey: fixture.addresses.W0_script, height: 110, coinbase: true },
      { txid: TX.F.txid, vout: 0, valueSats: 10_000_000n, scriptPubKey: fixture.addresses.W0_script, height: null, coinbase: false },
    ]);
  });

  it('[] without asking the node for no addresses; INVALID_ADDRESS for another network', async () => {
    expect(await newChain().unspent([])).toEqual([]);
    expect(fake.calls).toEqual([]);
    await expectChainError(newChain().unspent(['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4']), 'INVALID_ADDRESS');
  });
});

describe('history: listsinceblock + gettransaction, filtered by script', () => {
  it('keeps receives and spends of these addresses, drops other wallet addresses and conflicted txs', async () => {
    const history = await newChain().history([W0, W1]);
    expect(history.map((t) => t.txid)).toEqual([TX.A.txid, TX.B.txid, ...[TX.C.txid, TX.F.txid].sort()]);
    expect(history[0]).toEqual({ txid: TX.A.txid, hex: TX.A.hex, height: 110, blockHash: fixture.blocks['110'], confirmations: 96 });
    expect(history.find((t) => t.txid === TX.C.txid)).toEqual({ txid: TX.C.txid, hex: TX.C.hex, height: null, blockHash: null, confirmations: 0 });
    expect(fake.call('listsinceblock').path).toBe(`/wallet/${WALLET}`);
  });

  it('a spend is found through its input even when no output pays the address', async () => {
    const history = await newChain().history([W1]);
    expect(history.map((t) => t.txid)).toEqual([TX.B.txid, TX.C.txid]); // C pays X only
    expect(await newChain().history([W9])).toMatchObject([{ txid: TX.D.txid, height: 150 }]);
  });
});

describe('transaction', () => {
  it('wallet transactions through gettransaction', async () => {
    expect(await newChain().transaction(TX.B.txid)).toEqual({
      txid: TX.B.txid,
      hex: TX.B.hex,
      height: 205,
      blockHash: fixture.blocks['205'],
      confirmations: 1,
    });
    expect(fake.call('gettransaction').params).toEqual([TX.B.txid, true]);
    expect(await newChain().transaction(TX.E.txid)).toBeNull(); // conflicted
  });

  it('other transactions through getrawtransaction verbose + getblockheader; null when unknown', async () => {
    expect(await newChain().transaction(TX.G.txid.toUpperCase())).toEqual({
      txid: TX.G.txid,
      hex: TX.G.hex,
      height: 200,
      blockHash: fixture.blocks['200'],
      confirmations: 6,
    });
    expect(fake.call('getrawtransaction')).toMatchObject({ path: '/', params: [TX.G.txid, 1] });
    expect(fake.call('getblockheader').params).toEqual([fixture.blocks['200']]);
    expect(await newChain().transaction('00'.repeat(32))).toBeNull();
    await expect(newChain().transaction('xyz')).rejects.toThrow(RangeError);
  });
});

describe('broadcast: sendrawtransaction, then getmempoolentry', () => {
  it('resolves with the txid once the mempool holds it', async () => {
    expect(await newChain().broadcast(TX.C.hex)).toBe(TX.C.txid);
    expect(fake.methods()).toEqual(['sendrawtransaction', 'getmempoolentry']);
    expect(fake.call('sendrawtransaction').params).toEqual([TX.C.hex]);
    expect(fake.call('getmempoolentry').params).toEqual([TX.C.txid]);
  });

  it.each([
    ['sendrawtransaction.bad_signature', -26, /mandatory-script-verify-flag-failed/],
    ['sendrawtransaction.missing_inputs', -25, /bad-txns-inputs-missingorspent/],
    ['sendrawtransaction.decode_failed', -22, /TX decode failed/],
  ] as const)('BROADCAST_REJECTED with the node’s reason for %s', async (reply, code, reason) => {
    fake.handlers.set('sendrawtransaction', () => fixture.replies[reply]);
    const error = await expectChainError(newChain().broadcast(TX.C.hex), 'BROADCAST_REJECTED');
    expect(error.reason).toMatch(reason);
    expect(error.rpcCode).toBe(code);
  });

  it('"already in utxo set": success when the tx is confirmed, else rejected', async () => {
    fake.handlers.set('sendrawtransaction', () => fixture.replies['sendrawtransaction.already_in_chain']);
    expect(await newChain().broadcast(TX.G.hex)).toBe(TX.G.txid); // G is in block 200
    const error = await expectChainError(newChain().broadcast(TX.C.hex), 'BROADCAST_REJECTED');
    expect(error.rpcCode).toBe(-27);
  });

  it('BROADCAST_REJECTED when accepted but not in the mempool afterwards', async () => {
    fake.handlers.set('sendrawtransaction', (params) => Object.values(TX).find((t) => t.hex === params[0])?.txid);
    const error = await expectChainError(newChain().broadcast(TX.C.hex), 'BROADCAST_REJECTED');
    expect(error.reason).toMatch(/not in the mempool/);
  });

  it('never sends bytes that are not a transaction', async () => {
    await expectChainError(newChain().broadcast('0200'), 'BROADCAST_REJECTED');
    expect(fake.calls).toEqual([]);
  });
});

describe('feeRate: estimatesmartfee', () => {
  it('BTC/kvB → sat/vB from the node; the floor when it has no data or less', async () => {
    expect(await newChain().feeRate(2)).toEqual({ satPerVb: 12.345, source: 'node' });
    expect(fake.call('estimatesmartfee').params).toEqual([2]);
    fake.handlers.set('estimatesmartfee', () => fixture.replies['estimatesmartfee.no_data']);
    expect(await newChain().feeRate(6)).toEqual({ satPerVb: 2, source: 'fallback' });
    fake.handlers.set('estimatesmartfee', () => ({ feerate: 0.00001, blocks: 2 }));
    expect(await newChain().feeRate(1)).toEqual({ satPerVb: 2, source: 'fallback' });
    await expect(newChain().feeRate(1009)).rejects.toThrow(RangeError);
  });
});

describe('mine: generatetoaddress (regtest)', () => {
  it('passes the address as Core writes it, and is refused off regtest', async () => {
    expect(await newChain().mine(1, W0.toUpperCase())).toEqual([fixture.blocks['205']]);
    expect(fake.call('generatetoaddress')).toMatchObject({ path: '/', params: [1, W0] });
    await expectChainError(newChain({ network: 'testnet' }).mine(1, X), 'UNSUPPORTED');
  });
});

describe('transport errors', () => {
  it('NODE_AUTH on HTTP 401', async () => {
    await expectChainError(newChain({ password: 'wrong' }).tip(), 'NODE_AUTH');
  });

  it('NODE_UNREACHABLE when nothing listens, or the node is warming up', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expectChainError(newChain({ url: `http://127.0.0.1:${port}` }).tip(), 'NODE_UNREACHABLE');

    fake.handlers.set('getblockchaininfo', () => fixture.replies.warmup);
    const error = await expectChainError(newChain().tip(), 'NODE_UNREACHABLE');
    expect(error.message).toMatch(/still starting/);
  });

  it('BAD_RESPONSE for a body that is not JSON-RPC, or a reply of the wrong shape', async () => {
    fake.rawStatus = { status: 502, body: '<html>Bad Gateway</html>' };
    await expectChainError(newChain().tip(), 'BAD_RESPONSE');
    fake.rawStatus = undefined;
    fake.handlers.set('getblockchaininfo', () => ({ chain: 'regtest', blocks: 'many' }));
    await expectChainError(newChain().tip(), 'BAD_RESPONSE');
  });
});

describe('createBitcoinChain for bitcoind', () => {
  it('builds a BitcoindChain from the env', async () => {
    const env = { BITCOIN_BACKEND: 'bitcoind', BITCOIN_RPC_URL: fake.url, BITCOIN_RPC_USER: USER, BITCOIN_RPC_PASSWORD: PASSWORD };
    const chain = createBitcoinChain(env);
    expect(chain).toBeInstanceOf(BitcoindChain);
    expect((await chain.tip()).height).toBe(205);
    expect(createBitcoinChain({ ...env, BITCOIN_RPC_URL: '', BITCOIN_NETWORK: 'mainnet' }).network).toBe('mainnet');
    expect(() => createBitcoinChain({ ...env, BITCOIN_WATCH_RESCAN_SINCE: 'yesterday' })).toThrow(/BITCOIN_WATCH_RESCAN_SINCE/);
  });
});
