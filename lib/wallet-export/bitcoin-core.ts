/**
 * Bitcoin Core `importdescriptors` request for a watch-only descriptor wallet
 * (`createwallet name disable_private_keys=true blank=true descriptors=true`, then
 * `bitcoin-cli -rpcwallet=name importdescriptors '<json>'`).
 *
 * Two single-path descriptors (receive active/external, change active/internal) rather than the
 * one BIP389 multipath descriptor, so that Bitcoin Core from v22 on accepts it (multipath import
 * needs v29). No `label`: Core rejects a label on a ranged descriptor ("Ranged descriptors should
 * not have a label", RPC error -8) and on an internal one.
 */
import type { WalletOrigins } from '@/lib/crypto/descriptor';
import type { BitcoinNetwork } from '@/lib/crypto/networks';
import { walletDescriptors } from './descriptors';

export interface ImportDescriptorsRequest {
  readonly desc: string;
  readonly active: true;
  readonly internal: boolean;
  readonly range: readonly [number, number];
  readonly timestamp: number | 'now';
}

export interface ImportDescriptorsOptions {
  /** Unix seconds of the wallet's birth (rescan from there), or 'now' (no rescan: a brand-new wallet). Default 'now'. */
  readonly timestamp?: number | 'now';
  /** Inclusive index range to derive up front; default [0, 999]. */
  readonly range?: readonly [number, number];
}

export const DEFAULT_IMPORT_RANGE: readonly [number, number] = Object.freeze([0, 999] as const);
const MAX_INDEX = 0x7fffffff;

export function importDescriptorsRequest(origins: WalletOrigins, network: BitcoinNetwork, options: ImportDescriptorsOptions = {}): ImportDescriptorsRequest[] {
  const timestamp = options.timestamp ?? 'now';
  if (timestamp !== 'now' && !(Number.isSafeInteger(timestamp) && timestamp >= 0)) throw new RangeError("timestamp must be 'now' or whole Unix seconds");
  const [from, to] = options.range ?? DEFAULT_IMPORT_RANGE;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from || to > MAX_INDEX) {
    throw new RangeError('range must be [from, to] with 0 <= from <= to <= 2^31 - 1');
  }
  const { receive, change } = walletDescriptors(origins, network);
  const range = [from, to] as const;
  return [
    { desc: receive, active: true, internal: false, range, timestamp },
    { desc: change, active: true, internal: true, range, timestamp },
  ];
}

/** The request as the one-line JSON argument of `bitcoin-cli importdescriptors`. */
export function importDescriptorsJson(origins: WalletOrigins, network: BitcoinNetwork, options?: ImportDescriptorsOptions): string {
  return JSON.stringify(importDescriptorsRequest(origins, network, options));
}
