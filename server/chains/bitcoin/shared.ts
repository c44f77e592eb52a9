/** Small rules both backends share: argument checks, fee-rate units and the floor, result order. */
import { ChainError } from './errors';
import { parseRawTx, type ParsedRawTx } from './scripts';
import type { ChainTx, FeeRate, Utxo } from './types';

/** Bitcoin Core's estimatesmartfee accepts conf_target 1..1008 (bcoin: any u32). */
export const MAX_FEE_TARGET_BLOCKS = 1008;
export const MAX_BLOCKS_PER_MINE = 1000;

export function assertFeeTarget(targetBlocks: number): void {
  if (!Number.isInteger(targetBlocks) || targetBlocks < 1 || targetBlocks > MAX_FEE_TARGET_BLOCKS) {
    throw new RangeError(`targetBlocks must be a whole number from 1 to ${MAX_FEE_TARGET_BLOCKS}`);
  }
}

export function assertBlockCount(blocks: number): void {
  if (!Number.isInteger(blocks) || blocks < 1 || blocks > MAX_BLOCKS_PER_MINE) {
    throw new RangeError(`blocks must be a whole number from 1 to ${MAX_BLOCKS_PER_MINE}`);
  }
}

/**
 * BTC per 1000 virtual bytes (what both nodes report) → sat/vB with three decimals, never below
 * the floor. A missing estimate, or one under the floor, yields the floor with source 'fallback'.
 */
export function feeRateFromBtcPerKvB(btcPerKvB: number | undefined, floorSatPerVb: number): FeeRate {
  if (btcPerKvB === undefined || !Number.isFinite(btcPerKvB) || btcPerKvB <= 0) {
    return { satPerVb: floorSatPerVb, source: 'fallback' };
  }
  const satPerVb = Math.round(btcPerKvB * 1e8) / 1000; // sat/kvB is a whole number; /1000 → sat/vB
  return satPerVb >= floorSatPerVb ? { satPerVb, source: 'node' } : { satPerVb: floorSatPerVb, source: 'fallback' };
}

/** Confirmed first by height, mempool (height null) last; then txid, vout. */
export function sortUtxos(utxos: Utxo[]): Utxo[] {
  return utxos.sort(
    (a, b) =>
      (a.height ?? Number.MAX_SAFE_INTEGER) - (b.height ?? Number.MAX_SAFE_INTEGER) ||
      a.txid.localeCompare(b.txid) ||
      a.vout - b.vout,
  );
}

/** Oldest first: by height, then position in the block; mempool transactions last. */
export function sortHistory(entries: { tx: ChainTx; index: number }[]): ChainTx[] {
  return entries
    .sort(
      (a, b) =>
        (a.tx.height ?? Number.MAX_SAFE_INTEGER) - (b.tx.height ?? Number.MAX_SAFE_INTEGER) ||
        a.index - b.index ||
        a.tx.txid.localeCompare(b.tx.txid),
    )
    .map((entry) => entry.tx);
}

/**
 * BTC amount as a JSON number (Bitcoin Core's STR_AMOUNT) → satoshis. Exact: every amount up to
 * 21e6 BTC has 8 decimals, and 21e14 sat is far below 2^53, so rounding the product recovers it.
 */
export function btcToSats(amount: number): bigint {
  if (!Number.isFinite(amount)) throw new RangeError('amount must be a finite number');
  return BigInt(Math.round(amount * 1e8));
}

/** Decodes a transaction about to be broadcast; bytes that are no transaction are a rejection. */
export function parseForBroadcast(rawTxHex: string): ParsedRawTx {
  if (typeof rawTxHex !== 'string') throw new TypeError('rawTxHex must be a hex string');
  try {
    return parseRawTx(rawTxHex);
  } catch (error) {
    const reason = `TX decode failed: ${(error as Error).message}`;
    throw new ChainError('BROADCAST_REJECTED', `Not broadcast: the bytes are not a transaction (${reason}).`, { reason, cause: error });
  }
}
