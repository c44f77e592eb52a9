/**
 * BitcoinChain over Bitcoin Core's JSON-RPC (production backend; Bitcoin Core 25 or later).
 *
 * Addresses are watched through one watch-only descriptor wallet (`createwallet` with
 * disable_private_keys + blank + descriptors; `importdescriptors` of `addr(<address>)#checksum`,
 * BIP380 checksums from lib/crypto/descriptor.ts). Why not `scantxoutset`: it walks the whole
 * UTXO set on every call (minutes on mainnet, one scan at a time), sees no mempool, and cannot
 * answer history at all. A wallet keeps per-address state as blocks arrive, sees the mempool,
 * and lists both receives and spends.
 *
 * Each address is imported the first time a call names it, rescanning from `rescanSince`
 * (default: 24 hours before the import; -blockfilterindex=1 makes rescans fast). An address paid
 * earlier than that before Keystead ever asked about it would be missed: ask about addresses when
 * they are handed out, or set BITCOIN_WATCH_RESCAN_SINCE to the deployment's birth time.
 *
 *   tip          getblockchaininfo
 *   unspent      listunspent (minconf 0, include_immature_coinbase) + gettransaction per txid
 *                (height from blockheight, coinbase from `generated`)
 *   history      listsinceblock (every wallet tx) + gettransaction hex, then keep the txs whose
 *                outputs pay, or whose inputs spend outputs of wallet txs that pay, these scripts
 *   transaction  gettransaction (wallet), else getrawtransaction verbose + getblockheader
 *   broadcast    sendrawtransaction (rejects with the reason), then getmempoolentry
 *   feeRate      estimatesmartfee
 *   mine         generatetoaddress (regtest)
 */
import { z } from 'zod';
import { descriptorChecksum } from '@/lib/crypto/descriptor';
import { networkParams, type BitcoinNetwork } from '@/lib/crypto/networks';
import { ChainError } from './errors';
import { basicAuthorization, callRpc, isRpcError, parseReply, type NodeEndpoint } from './node-http';
import { addressOfScript, assertTxid, parseRawTx, scriptsOfAddresses, type ParsedRawTx, type WatchedScript } from './scripts';
import {
  assertBlockCount,
  assertFeeTarget,
  btcToSats,
  feeRateFromBtcPerKvB,
  parseForBroadcast,
  sortHistory,
  sortUtxos,
} from './shared';
import type { BitcoinChain, ChainTx, FeeRate, Utxo } from './types';

/** Unix time (seconds) from which newly imported addresses are rescanned, or 'now' (no rescan). */
export type RescanSince = 'now' | number;

export interface BitcoindChainOptions {
  readonly network: BitcoinNetwork;
  readonly url: string;
  readonly user: string;
  readonly password: string;
  /** Name of the watch-only descriptor wallet; created on first use. */
  readonly wallet: string;
  /** Default: 24 hours before each import. */
  readonly rescanSince?: RescanSince;
  readonly feeFloorSatPerVb: number;
  readonly requestTimeoutMs?: number;
  /** importdescriptors blocks until its rescan is done. Default 10 minutes. */
  readonly importTimeoutMs?: number;
}

/** Bitcoin Core src/rpc/protocol.h */
const RPC = {
  INVALID_ADDRESS_OR_KEY: -5,
  WALLET_NOT_FOUND: -18,
  DESERIALIZATION_ERROR: -22,
  VERIFY_ERROR: -25,
  VERIFY_REJECTED: -26,
  VERIFY_ALREADY_IN_CHAIN: -27,
  IN_WARMUP: -28,
  WALLET_ALREADY_LOADED: -35,
} as const;
/** sendrawtransaction's refusals: TX decode failed, missing inputs / max fee, policy or consensus, outputs already in the UTXO set. */
const BROADCAST_REJECT_CODES: ReadonlySet<number> = new Set([
  RPC.DESERIALIZATION_ERROR,
  RPC.VERIFY_ERROR,
  RPC.VERIFY_REJECTED,
  RPC.VERIFY_ALREADY_IN_CHAIN,
]);

/** getblockchaininfo `chain` per network (testnet4 uses the same address encodings as testnet3). */
const CORE_CHAIN_NAMES: Readonly<Record<BitcoinNetwork, readonly string[]>> = {
  mainnet: ['main'],
  testnet: ['test', 'testnet4'],
  regtest: ['regtest'],
};

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_IMPORT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_RESCAN_WINDOW_S = 24 * 60 * 60;
const MAX_CONFIRMATIONS = 9_999_999;

const Hex = z.string().regex(/^[0-9a-fA-F]*$/).transform((s) => s.toLowerCase());
const Hash = z.string().regex(/^[0-9a-f]{64}$/);
const ChainInfoSchema = z.object({ chain: z.string(), blocks: z.number().int().nonnegative(), bestblockhash: Hash });
const UnspentSchema = z.array(
  z.object({ txid: Hash, vout: z.number().int().nonnegative(), scriptPubKey: Hex, amount: z.number().nonnegative() }),
);
const WalletTxSchema = z.object({
  txid: Hash,
  hex: Hex,
  confirmations: z.number().int(),
  generated: z.boolean().optional(),
  blockhash: Hash.optional(),
  blockheight: z.number().int().nonnegative().optional(),
  blockindex: z.number().int().nonnegative().optional(),
});
type WalletTx = z.infer<typeof WalletTxSchema>;
const SinceBlockSchema = z.object({ transactions: z.array(z.object({ txid: Hash })) });
const RawTxSchema = z.object({ hex: Hex, blockhash: Hash.optional(), confirmations: z.number().int().optional() });
const BlockHeaderSchema = z.object({ height: z.number().int().nonnegative() });
const DescriptorsSchema = z.object({ descriptors: z.array(z.object({ desc: z.string() })) });
const ImportResultSchema = z.array(
  z.object({ success: z.boolean(), error: z.object({ code: z.number(), message: z.string() }).optional() }),
);
const SmartFeeSchema = z.object({ feerate: z.number().optional(), errors: z.array(z.string()).optional() });

export class BitcoindChain implements BitcoinChain {
  readonly network: BitcoinNetwork;
  readonly #endpoint: NodeEndpoint;
  readonly #walletPath: string;
  readonly #walletName: string;
  readonly #rescanSince: RescanSince | undefined;
  readonly #feeFloor: number;
  readonly #importTimeoutMs: number;
  /** Output scripts known to be in the watch wallet (filled from listdescriptors, then imports). */
  readonly #watchedScripts = new Set<string>();
  #walletReady: Promise<void> | undefined;
  #descriptorsListed = false;
  /** importdescriptors calls run one at a time (Core allows one rescan at a time). */
  #importChain: Promise<void> = Promise.resolve();

  constructor(options: BitcoindChainOptions) {
    this.network = options.network;
    this.#endpoint = {
      url: options.url,
      authorization: basicAuthorization(options.user, options.password),
      timeoutMs: options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      label: 'Bitcoin Core',
    };
    this.#walletName = options.wallet;
    this.#walletPath = `/wallet/${encodeURIComponent(options.wallet)}`;
    this.#rescanSince = options.rescanSince;
    this.#feeFloor = options.feeFloorSatPerVb;
    this.#importTimeoutMs = options.importTimeoutMs ?? DEFAULT_IMPORT_TIMEOUT_MS;
  }

  async tip(): Promise<{ height: number; hash: string }> {
    const info = parseReply(ChainInfoSchema, await this.#node('getblockchaininfo', []), 'getblockchaininfo', 'Bitcoin Core');
    if (!CORE_CHAIN_NAMES[this.network].includes(info.chain)) {
      throw new ChainError('NETWORK_MISMATCH', `The Bitcoin Core node at ${this.#endpoint.url} runs "${info.chain}", not ${this.network}.`);
    }
    return { height: info.blocks, hash: info.bestblockhash };
  }

  async unspent(addresses: string[]): Promise<Utxo[]> {
    const watched = await this.#watch(addresses);
    if (watched.length === 0) return [];
    const scripts = new Set(watched.map((w) => w.script));
    const rows = parseReply(
      UnspentSchema,
      await this.#wallet('listunspent', [0, MAX_CONFIRMATIONS, watched.map((w) => w.address), true, { include_immature_coinbase: true }]),
      'listunspent',
      'Bitcoin Core',
    );
    const txs = new Map<string, WalletTx | null>();
    const utxos: Utxo[] = [];
    for (const row of rows) {
      if (!scripts.has(row.scriptPubKey)) continue;
      if (!txs.has(row.txid)) txs.set(row.txid, await this.#walletTx(row.txid));
      const tx = txs.get(row.txid);
      if (!tx) continue; // vanished between the two calls (reorg or replacement)
      utxos.push({
        txid: row.txid,
        vout: row.vout,
        valueSats: btcToSats(row.amount),
        scriptPubKey: row.scriptPubKey,
        height: tx.confirmations > 0 && tx.blockheight !== undefined ? tx.blockheight : null,
        coinbase: tx.generated === true,
      });
    }
    return sortUtxos(utxos);
  }

  async history(addresses: string[]): Promise<ChainTx[]> {
    const watched = await this.#watch(addresses);
    if (watched.length === 0) return [];
    const scripts = new Set(watched.map((w) => w.script));
    const since = parseReply(SinceBlockSchema, await this.#wallet('listsinceblock', []), 'listsinceblock', 'Bitcoin Core');
    const walletTxs = new Map<string, { tx: WalletTx; parsed: ParsedRawTx }>();
    for (const txid of new Set(since.transactions.map((t) => t.txid))) {
      const tx = await this.#walletTx(txid);
      if (!tx || tx.confirmations < 0) continue; // conflicted: neither in the chain nor the mempool
      walletTxs.set(txid, { tx, parsed: parseNodeTx(tx.hex, 'gettransaction') });
    }
    const paysWatched = (txid: string, vout: number) => {
      const output = walletTxs.get(txid)?.parsed.outputs[vout];
      return output !== undefined && scripts.has(output.script);
    };
    const entries: { tx: ChainTx; index: number }[] = [];
    for (const { tx, parsed } of walletTxs.values()) {
      const isRelevant = parsed.outputs.some((o) => scripts.has(o.script)) || parsed.inputs.some((i) => paysWatched(i.txid, i.vout));
      if (isRelevant) entries.push({ tx: fromWalletTx(tx), index: tx.blockindex ?? 0 });
    }
    return sortHistory(entries);
  }

  async transaction(txid: string): Promise<ChainTx | null> {
    const id = assertTxid(txid);
    const walletTx = await this.#walletTx(id);
    if (walletTx) return walletTx.confirmations < 0 ? null : fromWalletTx(walletTx);
    let raw: z.infer<typeof RawTxSchema>;
    try {
      raw = parseReply(RawTxSchema, await this.#node('getrawtransaction', [id, 1]), 'getrawtransaction', 'Bitcoin Core');
    } catch (error) {
      // Not in the mempool, and not in a block this node can find (needs -txindex for non-wallet txs).
      if (isRpcError(error, RPC.INVALID_ADDRESS_OR_KEY)) return null;
      throw error;
    }
    if (!raw.blockhash || !raw.confirmations || raw.confirmations < 1) {
      return { txid: id, hex: raw.hex, height: null, blockHash: null, confirmations: 0 };
    }
    const header = parseReply(BlockHeaderSchema, await this.#node('getblockheader', [raw.blockhash]), 'getblockheader', 'Bitcoin Core');
    return { txid: id, hex: raw.hex, height: header.height, blockHash: raw.blockhash, confirmations: raw.confirmations };
  }

  async broadcast(rawTxHex: string): Promise<string> {
    const tx = parseForBroadcast(rawTxHex);
    try {
      await this.#node('sendrawtransaction', [tx.hex]);
    } catch (error) {
      if (!(error instanceof ChainError) || error.rpcCode === undefined) throw error;
      if (error.rpcCode === RPC.VERIFY_ALREADY_IN_CHAIN && (await this.#isConfirmed(tx.txid))) return tx.txid;
      if (!BROADCAST_REJECT_CODES.has(error.rpcCode)) throw error;
      throw new ChainError('BROADCAST_REJECTED', `Bitcoin Core rejected transaction ${tx.txid}: ${error.reason}.`, {
        reason: error.reason,
        rpcCode: error.rpcCode,
        cause: error,
      });
    }
    // sendrawtransaction returns after mempool acceptance; confirm it, as the interface promises.
    try {
      await this.#node('getmempoolentry', [tx.txid]);
      return tx.txid;
    } catch (error) {
      if (!isRpcError(error, RPC.INVALID_ADDRESS_OR_KEY)) throw error;
    }
    if (await this.#isConfirmed(tx.txid)) return tx.txid; // mined in between
    const reason = 'accepted by sendrawtransaction but not in the mempool (evicted or replaced)';
    throw new ChainError('BROADCAST_REJECTED', `Bitcoin Core: transaction ${tx.txid} was ${reason}.`, { reason });
  }

  async #isConfirmed(txid: string): Promise<boolean> {
    const tx = await this.transaction(txid);
    return tx !== null && tx.height !== null;
  }

  async feeRate(targetBlocks: number): Promise<FeeRate> {
    assertFeeTarget(targetBlocks);
    const reply = parseReply(SmartFeeSchema, await this.#node('estimatesmartfee', [targetBlocks]), 'estimatesmartfee', 'Bitcoin Core');
    // feerate: BTC/kvB; absent (with `errors`) while the node lacks data.
    return feeRateFromBtcPerKvB(reply.feerate, this.#feeFloor);
  }

  async mine(blocks: number, address: string): Promise<string[]> {
    if (this.network !== 'regtest') throw new ChainError('UNSUPPORTED', `mine() is for regtest; this chain is ${this.network}.`);
    assertBlockCount(blocks);
    const [target] = scriptsOfAddresses([address], this.network);
    const hashes = await this.#node('generatetoaddress', [blocks, this.#canonicalAddress(target!)], { timeoutMs: 60_000 + blocks * 100 });
    return parseReply(z.array(Hash), hashes, 'generatetoaddress', 'Bitcoin Core');
  }

  // --- watch wallet ---------------------------------------------------------------------------

  /** Parses the addresses and makes sure the watch wallet tracks each (importing new ones). */
  async #watch(addresses: string[]): Promise<WatchedScript[]> {
    const watched = scriptsOfAddresses(addresses, this.network).map((w) => ({ ...w, address: this.#canonicalAddress(w) }));
    if (watched.length === 0) return watched;
    await this.#ensureWalletLoaded();
    if (!this.#descriptorsListed) await this.#listWatchedDescriptors();
    const missing = watched.filter((w) => !this.#watchedScripts.has(w.script));
    if (missing.length > 0) await this.#serializeImport(() => this.#importAddresses(missing));
    return watched;
  }

  /** Bitcoin Core prints and compares addresses in lowercase bech32; re-encode from the script. */
  #canonicalAddress(watched: WatchedScript): string {
    return addressOfScript(watched.script, networkParams(this.network).btcSigner);
  }

  #ensureWalletLoaded(): Promise<void> {
    this.#walletReady ??= this.#loadOrCreateWallet().catch((error: unknown) => {
      this.#walletReady = undefined;
      throw error;
    });
    return this.#walletReady;
  }

  async #loadOrCreateWallet(): Promise<void> {
    try {
      await this.#node('loadwallet', [this.#walletName]);
      return;
    } catch (error) {
      if (isRpcError(error, RPC.WALLET_ALREADY_LOADED)) return;
      if (!isRpcError(error, RPC.WALLET_NOT_FOUND)) throw error;
    }
    // name, disable_private_keys, blank, passphrase, avoid_reuse, descriptors, load_on_startup
    await this.#node('createwallet', [this.#walletName, true, true, '', false, true, true]);
  }

  async #listWatchedDescriptors(): Promise<void> {
    const reply = parseReply(DescriptorsSchema, await this.#wallet('listdescriptors', []), 'listdescriptors', 'Bitcoin Core');
    for (const { desc } of reply.descriptors) {
      const address = /^addr\(([^)]+)\)(#[a-z0-9]{8})?$/.exec(desc)?.[1];
      if (!address) continue;
      try {
        for (const w of scriptsOfAddresses([address], this.network)) this.#watchedScripts.add(w.script);
      } catch {
        // Another network's or an unreadable address: not ours to track.
      }
    }
    this.#descriptorsListed = true;
  }

  #serializeImport(task: () => Promise<void>): Promise<void> {
    const run = this.#importChain.then(task, task);
    this.#importChain = run.catch(() => undefined);
    return run;
  }

  async #importAddresses(candidates: WatchedScript[]): Promise<void> {
    const missing = candidates.filter((w) => !this.#watchedScripts.has(w.script)); // another call may have imported them
    if (missing.length === 0) return;
    const timestamp = this.#rescanSince ?? Math.max(0, Math.floor(Date.now() / 1000) - DEFAULT_RESCAN_WINDOW_S);
    const requests = missing.map((w) => {
      const desc = `addr(${w.address})`;
      return { desc: `${desc}#${descriptorChecksum(desc)}`, timestamp };
    });
    const results = parseReply(
      ImportResultSchema,
      await this.#wallet('importdescriptors', [requests], { timeoutMs: this.#importTimeoutMs }),
      'importdescriptors',
      'Bitcoin Core',
    );
    results.forEach((result, i) => {
      const w = missing[i];
      if (!w) return;
      if (!result.success) {
        throw new ChainError('RPC_ERROR', `Bitcoin Core could not watch ${w.address}: ${result.error?.message ?? 'unknown error'}.`, {
          reason: result.error?.message,
          rpcCode: result.error?.code,
        });
      }
      this.#watchedScripts.add(w.script);
    });
  }

  async #walletTx(txid: string): Promise<WalletTx | null> {
    try {
      // txid, include_watchonly (ignored by descriptor wallets, accepted positionally by all)
      return parseReply(WalletTxSchema, await this.#wallet('gettransaction', [txid, true]), 'gettransaction', 'Bitcoin Core');
    } catch (error) {
      if (isRpcError(error, RPC.INVALID_ADDRESS_OR_KEY)) return null; // "Invalid or non-wallet transaction id"
      throw error;
    }
  }

  // --- transport ------------------------------------------------------------------------------

  #node(method: string, params: unknown[], options: { timeoutMs?: number } = {}): Promise<unknown> {
    return this.#call(method, params, { ...options, path: '/' });
  }

  async #wallet(method: string, params: unknown[], options: { timeoutMs?: number } = {}): Promise<unknown> {
    await this.#ensureWalletLoaded();
    try {
      return await this.#call(method, params, { ...options, path: this.#walletPath });
    } catch (error) {
      // The node restarted without loading the wallet: load it once and retry.
      if (!isRpcError(error, RPC.WALLET_NOT_FOUND)) throw error;
      this.#walletReady = undefined;
      await this.#ensureWalletLoaded();
      return this.#call(method, params, { ...options, path: this.#walletPath });
    }
  }

  async #call(method: string, params: unknown[], options: { path: string; timeoutMs?: number }): Promise<unknown> {
    try {
      return await callRpc(this.#endpoint, method, params, options);
    } catch (error) {
      if (isRpcError(error, RPC.IN_WARMUP)) {
        throw new ChainError('NODE_UNREACHABLE', `Bitcoin Core at ${this.#endpoint.url} is still starting (${error.reason}).`, { cause: error });
      }
      throw error;
    }
  }
}

function parseNodeTx(hex: string, what: string): ParsedRawTx {
  try {
    return parseRawTx(hex);
  } catch (error) {
    throw new ChainError('BAD_RESPONSE', `Bitcoin Core's ${what} returned a transaction that does not decode.`, { cause: error });
  }
}

function fromWalletTx(tx: WalletTx): ChainTx {
  if (tx.confirmations > 0 && tx.blockhash !== undefined && tx.blockheight !== undefined) {
    return { txid: tx.txid, hex: tx.hex, height: tx.blockheight, blockHash: tx.blockhash, confirmations: tx.confirmations };
  }
  return { txid: tx.txid, hex: tx.hex, height: null, blockHash: null, confirmations: 0 };
}
