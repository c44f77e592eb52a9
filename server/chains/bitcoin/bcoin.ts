/**
 * BitcoinChain over a bcoin 1.0.2 full node: its HTTP API (lib/node/http.js) for coins,
 * transactions and broadcast, its JSON-RPC (lib/node/rpc.js, same port) for chain info, fee
 * estimates and mining. Auth: HTTP basic, any user name, password = the node's --api-key.
 * The node must run with --index-tx --index-address (scripts/bcoin-node.mjs does).
 *
 * bcoin quirks handled here (read in bcoin 1.0.2's source, then checked against a live node):
 * - Its regtest encodes addresses with HRP `rb` and base58 versions 0x3c/0x26; Keystead keeps
 *   Bitcoin Core's `bcrt`/0x6f/0xc4. Addresses cross the boundary as output scripts: ours are
 *   decoded to their script, re-encoded for bcoin; what bcoin returns is read by script.
 * - Its address index is keyed by the 20/32-byte hash alone, so a P2WPKH query also returns the
 *   P2PKH (and a P2SH with an equal hash) outputs, and vice versa. Results are filtered by exact
 *   output script.
 * - Broadcast does not report most rejections: HTTP POST /broadcast surfaces only errors with a
 *   ban score (e.g. `bad-txns-in-belowout`, coinbase spends, malformed txs), and RPC
 *   sendrawtransaction none at all. Failures with score 0 come back as success: double spends
 *   (`bad-txns-inputs-spent`), fee and locktime policy, orphans (missing inputs) and, notably,
 *   BAD SEGWIT SIGNATURES: bcoin's mandatory verify flags are P2SH only, so a witness that fails
 *   is "non-mandatory-script-verify-flag" (score 0). bcoin 1.0.2 has no testmempoolaccept. So after
 *   POST /broadcast the tx must show up at GET /tx/:txid (mempool, or chain with --index-tx)
 *   within `broadcastCheckMs`; if not, the inputs are looked up to name the likely reason.
 * - Fee estimation returns nothing until the node has seen blocks with fee-paying transactions:
 *   the configured floor is used then (source 'fallback').
 * - On disk, the address index needs scripts/bcoin-leveldown-fix.cjs (leveldown 6 range scans).
 */
import { z } from 'zod';
import type { BTC_NETWORK } from '@scure/btc-signer/utils.js';
import type { BitcoinNetwork } from '@/lib/crypto/networks';
import { ChainError } from './errors';
import { callRpc, parseReply, requestNode, basicAuthorization, type NodeEndpoint } from './node-http';
import { addressOfScript, assertTxid, scriptsOfAddresses, type OutputScriptType, type ParsedRawTx, type WatchedScript } from './scripts';
import type { BitcoinChain, ChainTx, FeeRate, Utxo } from './types';
import { assertBlockCount, assertFeeTarget, feeRateFromBtcPerKvB, parseForBroadcast, sortHistory, sortUtxos } from './shared';

export interface BcoinChainOptions {
  readonly network: BitcoinNetwork;
  /** e.g. http://127.0.0.1:48332 (bcoin's regtest HTTP/RPC port). */
  readonly url: string;
  /** The node's --api-key; omit only for a node started with --no-auth. */
  readonly apiKey?: string;
  readonly feeFloorSatPerVb: number;
  /** How long broadcast waits for the tx to appear in the node's mempool. Default 2000 ms. */
  readonly broadcastCheckMs?: number;
  readonly requestTimeoutMs?: number;
}

/** bcoin 1.0.2 lib/protocol/networks.js addressPrefix, in @scure/btc-signer's shape. */
const BCOIN_ADDRESS_NETWORKS: Readonly<Record<BitcoinNetwork, BTC_NETWORK>> = {
  mainnet: { bech32: 'bc', pubKeyHash: 0x00, scriptHash: 0x05, wif: 0x80 },
  testnet: { bech32: 'tb', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef },
  regtest: { bech32: 'rb', pubKeyHash: 0x3c, scriptHash: 0x26, wif: 0xef },
};
/** bcoin's `network.type` as getblockchaininfo reports it. */
const BCOIN_CHAIN_NAMES: Readonly<Record<BitcoinNetwork, string>> = { mainnet: 'main', testnet: 'testnet', regtest: 'regtest' };
/** Output types bcoin 1.0.2 can address (it predates taproot). */
const BCOIN_ADDRESS_TYPES: ReadonlySet<OutputScriptType> = new Set<OutputScriptType>(['pkh', 'sh', 'wpkh', 'wsh']);

const DEFAULT_BROADCAST_CHECK_MS = 2_000;
const BROADCAST_POLL_MS = 50;
const DEFAULT_TIMEOUT_MS = 15_000;
/** Addresses per POST /coin/address or /tx/address request. */
const ADDRESS_BATCH = 500;

const Hex = z.string().regex(/^[0-9a-f]*$/);
const Hash = z.string().regex(/^[0-9a-f]{64}$/);
const CoinSchema = z.object({
  hash: Hash,
  index: z.number().int().nonnegative(),
  value: z.number().int().nonnegative(),
  script: Hex,
  height: z.number().int(),
  coinbase: z.boolean(),
});
const TxMetaSchema = z.object({
  hash: Hash,
  hex: Hex,
  height: z.number().int(),
  block: Hash.nullable(),
  confirmations: z.number().int(),
  index: z.number().int(),
  inputs: z.array(z.object({ coin: z.object({ script: Hex }).optional() })),
  outputs: z.array(z.object({ script: Hex })),
});
type TxMeta = z.infer<typeof TxMetaSchema>;
const ChainInfoSchema = z.object({ chain: z.string(), blocks: z.number().int().nonnegative(), bestblockhash: Hash });
const SmartFeeSchema = z.object({ fee: z.number() });
const HttpErrorSchema = z.object({ error: z.object({ message: z.string() }) });
const TipBlockSchema = z.object({
  txs: z.array(z.object({ hash: Hash, outputs: z.array(z.object({ address: z.string().nullable().optional() })) })),
});

export class BcoinChain implements BitcoinChain {
  readonly network: BitcoinNetwork;
  readonly #endpoint: NodeEndpoint;
  readonly #feeFloor: number;
  readonly #broadcastCheckMs: number;
  readonly #addressNetwork: BTC_NETWORK;
  #indexCheck: Promise<void> | undefined;

  constructor(options: BcoinChainOptions) {
    this.network = options.network;
    this.#endpoint = {
      url: options.url,
      authorization: options.apiKey === undefined ? undefined : basicAuthorization('keystead', options.apiKey),
      timeoutMs: options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      label: 'bcoin',
    };
    this.#feeFloor = options.feeFloorSatPerVb;
    this.#broadcastCheckMs = options.broadcastCheckMs ?? DEFAULT_BROADCAST_CHECK_MS;
    this.#addressNetwork = BCOIN_ADDRESS_NETWORKS[options.network];
  }

  async tip(): Promise<{ height: number; hash: string }> {
    const info = parseReply(ChainInfoSchema, await this.#rpc('getblockchaininfo', []), 'getblockchaininfo', 'bcoin');
    if (info.chain !== BCOIN_CHAIN_NAMES[this.network]) {
      throw new ChainError('NETWORK_MISMATCH', `The bcoin node at ${this.#endpoint.url} runs "${info.chain}", not ${this.network}.`);
    }
    return { height: info.blocks, hash: info.bestblockhash };
  }

  async unspent(addresses: string[]): Promise<Utxo[]> {
    const watched = this.#watch(addresses);
    await this.#assertIndexes();
    const scripts = new Set(watched.map((w) => w.script));
    const utxos = new Map<string, Utxo>();
    for (const batch of chunks(watched, ADDRESS_BATCH)) {
      const reply = await this.#post('/coin/address', { addresses: batch.map((w) => this.#bcoinAddress(w)) });
      for (const coin of parseReply(z.array(CoinSchema), reply, 'POST /coin/address', 'bcoin')) {
        if (!scripts.has(coin.script)) continue; // same hash, other script type (see header)
        utxos.set(`${coin.hash}:${coin.index}`, {
          txid: coin.hash,
          vout: coin.index,
          valueSats: BigInt(coin.value),
          scriptPubKey: coin.script,
          height: coin.height < 0 ? null : coin.height,
          coinbase: coin.coinbase,
        });
      }
    }
    return sortUtxos([...utxos.values()]);
  }

  async history(addresses: string[]): Promise<ChainTx[]> {
    const watched = this.#watch(addresses);
    await this.#assertIndexes();
    const scripts = new Set(watched.map((w) => w.script));
    const txs = new Map<string, { tx: ChainTx; index: number }>();
    for (const batch of chunks(watched, ADDRESS_BATCH)) {
      const reply = await this.#post('/tx/address', { addresses: batch.map((w) => this.#bcoinAddress(w)) });
      for (const meta of parseReply(z.array(TxMetaSchema), reply, 'POST /tx/address', 'bcoin')) {
        if (!touchesScripts(meta, scripts)) continue;
        txs.set(meta.hash, { tx: toChainTx(meta), index: meta.index });
      }
    }
    return sortHistory([...txs.values()]);
  }

  async transaction(txid: string): Promise<ChainTx | null> {
    const id = assertTxid(txid);
    await this.#assertIndexes();
    const meta = await this.#getTx(id);
    return meta ? toChainTx(meta) : null;
  }

  async broadcast(rawTxHex: string): Promise<string> {
    const tx = parseForBroadcast(rawTxHex);
    const reply = await requestNode(this.#endpoint, '/broadcast', { method: 'POST', body: { tx: tx.hex } });
    if (reply.status !== 200) {
      const reason = HttpErrorSchema.safeParse(reply.json).data?.error.message ?? `HTTP ${reply.status}`;
      throw new ChainError('BROADCAST_REJECTED', `bcoin rejected transaction ${tx.txid}: ${reason}.`, { reason: verifyReason(reason) });
    }
    const deadline = Date.now() + this.#broadcastCheckMs;
    for (;;) {
      if (await this.#getTx(tx.txid)) return tx.txid;
      if (Date.now() >= deadline) break;
      await sleep(BROADCAST_POLL_MS);
    }
    const reason = await this.#diagnoseMissing(tx.inputs);
    throw new ChainError(
      'BROADCAST_REJECTED',
      `bcoin reported transaction ${tx.txid} as sent, but its mempool did not hold it after ${this.#broadcastCheckMs} ms: ${reason}.`,
      { reason },
    );
  }

  async feeRate(targetBlocks: number): Promise<FeeRate> {
    assertFeeTarget(targetBlocks);
    const reply = parseReply(SmartFeeSchema, await this.#rpc('estimatesmartfee', [targetBlocks]), 'estimatesmartfee', 'bcoin');
    // bcoin: BTC per 1000 (virtual) bytes, -1 without an estimate.
    return feeRateFromBtcPerKvB(reply.fee > 0 ? reply.fee : undefined, this.#feeFloor);
  }

  async mine(blocks: number, address: string): Promise<string[]> {
    if (this.network !== 'regtest') throw new ChainError('UNSUPPORTED', `mine() is for regtest; this chain is ${this.network}.`);
    assertBlockCount(blocks);
    const [watched] = this.#watch([address]);
    const hashes = await this.#rpc('generatetoaddress', [blocks, this.#bcoinAddress(watched!)], { timeoutMs: 60_000 + blocks * 100 });
    return parseReply(z.array(Hash), hashes, 'generatetoaddress', 'bcoin');
  }

  #watch(addresses: string[]): WatchedScript[] {
    const watched = scriptsOfAddresses(addresses, this.network);
    for (const w of watched) {
      if (!BCOIN_ADDRESS_TYPES.has(w.type)) {
        throw new ChainError('UNSUPPORTED', `bcoin 1.0.2 cannot look up ${w.type} outputs (${w.address}); it knows P2PKH, P2SH, P2WPKH and P2WSH.`);
      }
    }
    return watched;
  }

  /**
   * A node without --index-tx / --index-address (or with the leveldown-6 range bug) answers
   * address queries with [] instead of an error: a wallet would silently show nothing. Once per
   * instance, look the tip's coinbase up by its own address; it must be found.
   */
  #assertIndexes(): Promise<void> {
    this.#indexCheck ??= this.#checkIndexes().catch((error: unknown) => {
      this.#indexCheck = undefined;
      throw error;
    });
    return this.#indexCheck;
  }

  async #checkIndexes(): Promise<void> {
    const { height } = await this.tip();
    const path = `/block/${height}`;
    const reply = await requestNode(this.#endpoint, path, { method: 'GET' });
    if (reply.status !== 200) throw httpFailure(path, reply);
    const block = parseReply(TipBlockSchema, reply.json, `GET ${path}`, 'bcoin');
    const coinbase = block.txs[0];
    const paid = coinbase?.outputs.find((o) => typeof o.address === 'string');
    if (!coinbase || !paid?.address) return; // e.g. only the genesis block: nothing to look up yet
    const found = parseReply(z.array(z.object({ hash: Hash })), await this.#post('/tx/address', { addresses: [paid.address] }), 'POST /tx/address', 'bcoin');
    if (!found.some((tx) => tx.hash === coinbase.hash)) {
      throw new ChainError(
        'NODE_MISCONFIGURED',
        `The bcoin node at ${this.#endpoint.url} does not find the tip's coinbase by its address: its transaction/address index is off or empty.`,
      );
    }
  }

  #bcoinAddress(watched: WatchedScript): string {
    return addressOfScript(watched.script, this.#addressNetwork);
  }

  #rpc(method: string, params: unknown[], options?: { timeoutMs?: number }): Promise<unknown> {
    return callRpc(this.#endpoint, method, params, options);
  }

  async #post(path: string, body: unknown): Promise<unknown> {
    const reply = await requestNode(this.#endpoint, path, { method: 'POST', body });
    if (reply.status !== 200) throw httpFailure(path, reply);
    return reply.json;
  }

  async #getTx(txid: string): Promise<TxMeta | null> {
    const path = `/tx/${txid}`;
    const reply = await requestNode(this.#endpoint, path, { method: 'GET' });
    if (reply.status === 404) return null;
    if (reply.status !== 200) throw httpFailure(path, reply);
    return parseReply(TxMetaSchema, reply.json, `GET ${path}`, 'bcoin');
  }

  /** Names the likely reason a tx that bcoin called "sent" is not in its mempool. */
  async #diagnoseMissing(inputs: ParsedRawTx['inputs']): Promise<string> {
    for (const input of inputs) {
      // GET /coin/:txid/:vout answers 404 for an output spent in the chain or the mempool, or unknown.
      const reply = await requestNode(this.#endpoint, `/coin/${input.txid}/${input.vout}`, { method: 'GET' });
      if (reply.status === 404) {
        return `input ${input.txid}:${input.vout} is already spent (in the chain or by a mempool transaction) or does not exist (bad-txns-inputs-missingorspent)`;
      }
    }
    return (
      'its inputs are unspent, so a rule bcoin does not report failed: most likely an invalid segwit signature or script ' +
      '(bcoin 1.0.2 counts those as non-mandatory and hides them), else the fee (below 1 sat/vB), a non-final locktime ' +
      'or too long a chain of unconfirmed parents; the node log names it'
    );
  }
}

/** "Verification failure: mandatory-script-verify-flag (code=nonstandard score=100 hash=…)" → the reason. */
function verifyReason(message: string): string {
  return /^Verification failure: (.+?) \(code=/.exec(message)?.[1] ?? message;
}

function touchesScripts(meta: TxMeta, scripts: ReadonlySet<string>): boolean {
  return meta.outputs.some((o) => scripts.has(o.script)) || meta.inputs.some((i) => i.coin !== undefined && scripts.has(i.coin.script));
}

function toChainTx(meta: TxMeta): ChainTx {
  const isConfirmed = meta.height >= 0;
  return {
    txid: meta.hash,
    hex: meta.hex,
    height: isConfirmed ? meta.height : null,
    blockHash: isConfirmed ? meta.block : null,
    confirmations: isConfirmed ? meta.confirmations : 0,
  };
}

function httpFailure(path: string, reply: { status: number; json: unknown }): ChainError {
  const message = HttpErrorSchema.safeParse(reply.json).data?.error.message;
  if (message?.includes('Invalid address')) {
    return new ChainError('NETWORK_MISMATCH', `bcoin could not read our ${path} addresses (${message}): it probably runs another network.`);
  }
  return new ChainError('RPC_ERROR', `bcoin answered ${path} with HTTP ${reply.status}${message ? `: ${message}` : ''}.`, {
    reason: message,
  });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
