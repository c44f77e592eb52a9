/**
 * The Bitcoin chain as the services need it, behind one interface with two backends:
 * bcoin (bcoin.ts: development and tests, regtest) and Bitcoin Core (bitcoind.ts: production).
 * Addresses in and out are Bitcoin Core's (bc1… / tb1… / bcrt1…); amounts are satoshis as bigint;
 * txids and hashes are lowercase hex in display (RPC) byte order.
 */
import type { BitcoinNetwork } from '@/lib/crypto/networks';

export { ChainError, CHAIN_ERRORS, isChainError, type ChainErrorCode } from './errors';

export interface Utxo {
  txid: string;
  vout: number;
  valueSats: bigint;
  /** Hex of the output script. */
  scriptPubKey: string;
  /** Height of the block holding the output; null while it is in the mempool. */
  height: number | null;
  /** Coinbase outputs can be spent only 100 blocks after `height` (consensus COINBASE_MATURITY). */
  coinbase: boolean;
}

export interface ChainTx {
  txid: string;
  /** The full serialized transaction (with witnesses). */
  hex: string;
  /** null while the transaction is in the mempool. */
  height: number | null;
  blockHash: string | null;
  /** 0 in the mempool, 1 in the tip block, and so on. */
  confirmations: number;
}

export interface FeeRate {
  satPerVb: number;
  /** 'fallback' when the node had no estimate, or its estimate was below the configured floor. */
  source: 'node' | 'fallback';
}

export interface BitcoinChain {
  readonly network: BitcoinNetwork;
  tip(): Promise<{ height: number; hash: string }>;
  /** Unspent outputs paying exactly these addresses' scripts, mempool included (height null). */
  unspent(addresses: string[]): Promise<Utxo[]>;
  /** Every transaction paying to or spending from these addresses, mempool included; oldest first. */
  history(addresses: string[]): Promise<ChainTx[]>;
  /** null when the node knows no such transaction in its mempool or chain. */
  transaction(txid: string): Promise<ChainTx | null>;
  /**
   * Resolves with the txid only once the node's mempool holds the transaction (or it is already
   * confirmed); otherwise throws ChainError BROADCAST_REJECTED with the node's `reason`.
   */
  broadcast(rawTxHex: string): Promise<string>;
  /** targetBlocks: 1..1008 (Bitcoin Core's estimatesmartfee range). */
  feeRate(targetBlocks: number): Promise<FeeRate>;
  /** Regtest only (dev faucet and tests): mines `blocks` blocks paying the coinbase to `address`; returns their hashes. */
  mine?(blocks: number, address: string): Promise<string[]>;
}
