/**
 * The adapter's boundary parsing: addresses → output scripts (BIP173/BIP350 bech32 and base58check
 * via @scure/btc-signer's Address + OutScript), raw transactions → txid and outpoints
 * (@scure/btc-signer RawTx; txid = double SHA-256 of the BIP144 witness-stripped serialization,
 * byte-reversed for display), and txid / hex validation.
 */
import { hex } from '@scure/base';
import { Address, OutScript, RawTx } from '@scure/btc-signer';
import type { BTC_NETWORK } from '@scure/btc-signer/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { networkParams, type BitcoinNetwork } from '@/lib/crypto/networks';
import { ChainError } from './errors';

export type OutputScriptType = ReturnType<typeof OutScript.decode>['type'];

export interface WatchedScript {
  /** The address as the caller gave it (Bitcoin Core format). */
  readonly address: string;
  /** Lowercase hex of the output script. */
  readonly script: string;
  readonly type: OutputScriptType;
}

/** Decodes Bitcoin Core-format addresses of `network` into their output scripts, de-duplicated. */
export function scriptsOfAddresses(addresses: readonly string[], network: BitcoinNetwork): WatchedScript[] {
  if (!Array.isArray(addresses)) throw new TypeError('addresses must be an array of strings');
  const codec = Address(networkParams(network).btcSigner);
  const byScript = new Map<string, WatchedScript>();
  for (const address of addresses) {
    if (typeof address !== 'string') throw new TypeError('addresses must be an array of strings');
    let decoded: ReturnType<typeof codec.decode>;
    try {
      decoded = codec.decode(address);
    } catch (error) {
      throw new ChainError('INVALID_ADDRESS', `"${address}" is not a ${network} address (${(error as Error).message}).`, { cause: error });
    }
    const script = hex.encode(OutScript.encode(decoded));
    if (!byScript.has(script)) byScript.set(script, { address, script, type: decoded.type });
  }
  return [...byScript.values()];
}

/** Re-encodes an output script as an address of another network encoding (e.g. bcoin's regtest). */
export function addressOfScript(script: string, network: BTC_NETWORK): string {
  return Address(network).encode(OutScript.decode(hex.decode(script)));
}

const TXID = /^[0-9a-f]{64}$/;

export function assertTxid(txid: string): string {
  if (typeof txid !== 'string') throw new TypeError('txid must be a string');
  const lower = txid.toLowerCase();
  if (!TXID.test(lower)) throw new RangeError('txid must be 64 hexadecimal characters');
  return lower;
}

export interface ParsedRawTx {
  readonly txid: string;
  readonly hex: string;
  readonly inputs: readonly { readonly txid: string; readonly vout: number }[];
  readonly outputs: readonly { readonly script: string; readonly valueSats: bigint }[];
}

/**
 * Parses a serialized transaction. Throws TypeError for text that is not hex and the decoder's
 * Error for bytes that are not a transaction; callers decide what that means (broadcast: rejected;
 * a node reply: BAD_RESPONSE).
 */
export function parseRawTx(rawTxHex: string): ParsedRawTx {
  if (typeof rawTxHex !== 'string' || rawTxHex.length === 0 || rawTxHex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(rawTxHex)) {
    throw new TypeError('rawTxHex must be a non-empty even-length hex string');
  }
  const bytes = hex.decode(rawTxHex.toLowerCase());
  const tx = RawTx.decode(bytes);
  const stripped = RawTx.encode({ ...tx, segwitFlag: false, witnesses: undefined });
  return {
    txid: hex.encode(sha256(sha256(stripped)).reverse()),
    hex: hex.encode(bytes),
    inputs: tx.inputs.map((input) => ({ txid: hex.encode(input.txid), vout: input.index })),
    outputs: tx.outputs.map((output) => ({ script: hex.encode(output.script), valueSats: output.amount })),
  };
}
