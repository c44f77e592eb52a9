/**
 * Destination addresses → output scripts, for one network.
 * - BIP173 bech32 (segwit v0: P2WPKH, P2WSH) and BIP350 bech32m (v1: P2TR), HRP bc / tb / bcrt;
 * - Base58Check P2PKH and BIP13 P2SH with the network's version byte (mainnet 0x00/0x05,
 *   testnet and regtest 0x6f/0xc4 — so a legacy testnet address is also valid on regtest,
 *   exactly as in Bitcoin Core).
 * Decoding is @scure/btc-signer's Address coder. An address that decodes on another network is
 * WRONG_NETWORK (so the message can say so), anything else that does not decode is INVALID_ADDRESS.
 */
import { hex } from '@scure/base';
import { Address, OutScript } from '@scure/btc-signer';
import { BITCOIN_NETWORKS, networkParams, type BitcoinNetwork } from '@/lib/crypto/networks';
import { BitcoinError } from './errors';

export type DestinationType = 'pkh' | 'sh' | 'wpkh' | 'wsh' | 'tr';

export interface Destination {
  /** The address in canonical form (bech32 lowercase). */
  readonly address: string;
  readonly type: DestinationType;
  /** The output script (scriptPubKey) the address stands for. */
  readonly script: Uint8Array;
}

const MAX_ADDRESS_CHARS = 100;
const DESTINATION_TYPES: readonly string[] = ['pkh', 'sh', 'wpkh', 'wsh', 'tr'];

/** Parses a destination address for `network` (outside input: trimmed, length-capped, typed errors). */
export function parseDestination(address: string, network: BitcoinNetwork): Destination {
  if (typeof address !== 'string') throw new TypeError('address must be a string');
  const text = address.trim();
  if (text.length === 0 || text.length > MAX_ADDRESS_CHARS) throw new BitcoinError('INVALID_ADDRESS');
  const decoded = decodeFor(text, network);
  if (decoded === undefined) {
    const other = BITCOIN_NETWORKS.find((n) => n !== network && decodeFor(text, n) !== undefined);
    if (other) throw new BitcoinError('WRONG_NETWORK', `This is a ${other} address and the wallet is on ${network}.`);
    throw new BitcoinError('INVALID_ADDRESS');
  }
  return decoded;
}

function decodeFor(text: string, network: BitcoinNetwork): Destination | undefined {
  const coder = Address(networkParams(network).btcSigner);
  try {
    const value = coder.decode(text);
    if (!DESTINATION_TYPES.includes(value.type)) return undefined;
    const script = OutScript.encode(value);
    return Object.freeze({ address: coder.encode(value), type: value.type as DestinationType, script });
  } catch {
    return undefined;
  }
}

/** The address of a standard output script on `network`, or null (OP_RETURN, bare multisig, unknown). */
export function scriptToAddress(script: Uint8Array, network: BitcoinNetwork): string | null {
  try {
    const value = OutScript.decode(script);
    if (!DESTINATION_TYPES.includes(value.type)) return null;
    return Address(networkParams(network).btcSigner).encode(value);
  } catch {
    return null;
  }
}

/** True for an OP_RETURN (provably unspendable data-carrier) output script. */
export function isOpReturnScript(script: Uint8Array): boolean {
  return script[0] === 0x6a;
}

export function scriptHex(script: Uint8Array): string {
  return hex.encode(script);
}
