/**
 * Addresses of the 2-of-3 wallet, exactly as its descriptor defines them (descriptor.ts):
 * - BIP32 public derivation `<branch>/<index>` from each account xpub (@scure/bip32);
 * - BIP67 / BIP383 sortedmulti: compressed public keys sorted lexicographically;
 * - BIP141 P2WSH of `OP_2 <k1> <k2> <k3> OP_3 OP_CHECKMULTISIG` (@scure/btc-signer p2ms + p2wsh),
 *   BIP173 bech32 address with the network's HRP (bc / tb / bcrt).
 * branch 0 = receive, 1 = change (the `<0;1>` of the descriptor).
 */
import { HARDENED_OFFSET, type HDKey } from '@scure/bip32';
import { hex } from '@scure/base';
import { p2ms, p2wsh } from '@scure/btc-signer';
import { compareBytes } from '@scure/btc-signer/utils.js';
import { assertDistinctOrigins, decodeExtendedKey, type KeyOrigin } from './keys';
import { networkParams, type BitcoinNetwork } from './networks';

export type AddressBranch = 0 | 1;
type WalletOrigins = readonly [KeyOrigin, KeyOrigin, KeyOrigin];

export interface DerivedAddress {
  readonly branch: AddressBranch;
  readonly index: number;
  readonly address: string;
  /** Hex of the witness script (2-of-3 CHECKMULTISIG over the sorted keys). */
  readonly witnessScript: string;
  /** Hex of the output script `OP_0 <sha256(witnessScript)>`. */
  readonly scriptPubKey: string;
  /** Hex compressed public keys in BIP67 order (the order they appear in the witness script). */
  readonly pubkeys: readonly string[];
}

const THRESHOLD = 2;
export const MAX_ADDRESSES_PER_CALL = 1000;

export function deriveAddress(origins: WalletOrigins, network: BitcoinNetwork, branch: AddressBranch, index: number): DerivedAddress {
  assertIndexRange(index, 1);
  return addressAt(branchKeys(origins, network, branch), network, branch, index);
}

/** `count` consecutive addresses of one branch starting at `from`; decodes the xpubs once. */
export function deriveAddresses(
  origins: WalletOrigins,
  network: BitcoinNetwork,
  branch: AddressBranch,
  from: number,
  count: number,
): DerivedAddress[] {
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_ADDRESSES_PER_CALL) {
    throw new RangeError(`count must be 1..${MAX_ADDRESSES_PER_CALL}`);
  }
  assertIndexRange(from, count);
  const keys = branchKeys(origins, network, branch);
  return Array.from({ length: count }, (_, i) => addressAt(keys, network, branch, from + i));
}

function assertIndexRange(from: number, count: number): void {
  if (!Number.isSafeInteger(from) || from < 0 || from + count > HARDENED_OFFSET) {
    throw new RangeError('address index must be a whole number from 0 to 2^31 - 1 (unhardened)');
  }
}

function branchKeys(origins: WalletOrigins, network: BitcoinNetwork, branch: AddressBranch): HDKey[] {
  if (branch !== 0 && branch !== 1) throw new RangeError('branch must be 0 (receive) or 1 (change)');
  if (origins.length !== 3) throw new RangeError('A Keystead wallet has exactly three keys');
  assertDistinctOrigins(origins);
  return origins.map((o) => decodeExtendedKey(o.xpub, network, 'public').deriveChild(branch));
}

function addressAt(keys: readonly HDKey[], network: BitcoinNetwork, branch: AddressBranch, index: number): DerivedAddress {
  const pubkeys = keys.map((k) => childPublicKey(k, index)).sort(compareBytes);
  const multisig = p2ms(THRESHOLD, pubkeys);
  const output = p2wsh(multisig, networkParams(network).btcSigner);
  return Object.freeze({
    branch,
    index,
    address: output.address,
    witnessScript: hex.encode(multisig.script),
    scriptPubKey: hex.encode(output.script),
    pubkeys: Object.freeze(pubkeys.map((p) => hex.encode(p))),
  });
}

function childPublicKey(key: HDKey, index: number): Uint8Array {
  const publicKey = key.deriveChild(index).publicKey;
  if (!publicKey) throw new Error('BIP32 public derivation returned no public key');
  return publicKey;
}
