/**
 * SLIP-132 version bytes for P2WSH multisig extended keys, as Electrum writes them:
 *   Zpub 0x02aa7ed3 / Zprv 0x02aa7a99 (mainnet), Vpub 0x02575483 / Vprv 0x02575048 (testnet, regtest).
 * Only the 4 version bytes differ from BIP32's xpub/tpub: same depth, fingerprint, child number,
 * chain code and key, so the conversion is lossless both ways (re-encoded with base58check).
 */
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { CryptoError } from '@/lib/crypto/errors';
import { networkParams, type BitcoinNetwork } from '@/lib/crypto/networks';

const base58check = createBase58check(sha256);

export interface Slip132Versions {
  readonly public: number;
  readonly private: number;
  readonly publicPrefix: 'Zpub' | 'Vpub';
  readonly privatePrefix: 'Zprv' | 'Vprv';
}

const P2WSH_MAINNET: Slip132Versions = { public: 0x02aa7ed3, private: 0x02aa7a99, publicPrefix: 'Zpub', privatePrefix: 'Zprv' };
const P2WSH_TESTNET: Slip132Versions = { public: 0x02575483, private: 0x02575048, publicPrefix: 'Vpub', privatePrefix: 'Vprv' };

/** SLIP-132 versions of native segwit multisig (p2wsh) keys on `network` (regtest uses testnet's, as Electrum does). */
export function slip132P2wshVersions(network: BitcoinNetwork): Slip132Versions {
  return networkParams(network).network === 'mainnet' ? P2WSH_MAINNET : P2WSH_TESTNET;
}

function decode78(serialized: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = base58check.decode(serialized);
  } catch (cause) {
    throw new CryptoError('INVALID_XPUB', 'The key is mistyped or truncated (base58 checksum failed).', { cause });
  }
  if (bytes.length !== 78) throw new CryptoError('INVALID_XPUB', 'The key has the wrong length.');
  return bytes;
}

function withVersion(bytes: Uint8Array, version: number): string {
  const out = Uint8Array.from(bytes);
  new DataView(out.buffer).setUint32(0, version);
  return base58check.encode(out);
}

function versionOf(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
}

/** BIP32 xpub/tpub (or xprv/tprv) of `network` → SLIP-132 Zpub/Vpub (Zprv/Vprv). Refuses any other version. */
export function toSlip132P2wsh(serialized: string, network: BitcoinNetwork): string {
  const bytes = decode78(serialized);
  const bip32 = networkParams(network).bip32;
  const slip = slip132P2wshVersions(network);
  const version = versionOf(bytes);
  if (version === bip32.public) return withVersion(bytes, slip.public);
  if (version === bip32.private) return withVersion(bytes, slip.private);
  throw new CryptoError('NETWORK_MISMATCH', `Expected a ${networkParams(network).xpubPrefix} or ${networkParams(network).xprvPrefix} key of ${network}.`);
}

/** SLIP-132 Zpub/Vpub (Zprv/Vprv) of `network` → BIP32 xpub/tpub (xprv/tprv). Refuses any other version. */
export function fromSlip132P2wsh(serialized: string, network: BitcoinNetwork): string {
  const bytes = decode78(serialized);
  const bip32 = networkParams(network).bip32;
  const slip = slip132P2wshVersions(network);
  const version = versionOf(bytes);
  if (version === slip.public) return withVersion(bytes, bip32.public);
  if (version === slip.private) return withVersion(bytes, bip32.private);
  throw new CryptoError('NETWORK_MISMATCH', `Expected a ${slip.publicPrefix} or ${slip.privatePrefix} key of ${network}.`);
}
