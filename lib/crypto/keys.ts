/**
 * Key #1 (user) and Key #2 (backup) of a 2-of-3 wallet, and their key origins.
 * - BIP32 (HD wallets) via @scure/bip32: master key from 32 random bytes, serialization, the
 *   fingerprint (first 4 bytes of HASH160 of the master public key).
 * - BIP48 (multi-script multisig): account key at m/48'/coin'/0'/2' (script type 2 = P2WSH).
 * - BIP380 key origin `[fingerprint/path]xpub`, held as a value object valid from birth
 *   (Caravan's KeyOrigin, STYLE.md §7): only parseKeyOrigin / the generators make one.
 *
 * What gets encrypted (envelope.ts): the UTF-8 bytes of the master extended private key string
 * (xprv… on mainnet, tprv… on testnet/regtest; 111 ASCII characters). After decryption it can be
 * pasted into any BIP32 tool (Bitcoin Core descriptors, Sparrow, Electrum), which re-derives the
 * account key at the path recorded in the origin, so recovery never depends on Keystead.
 */
import { HDKey, HARDENED_OFFSET } from '@scure/bip32';
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { CryptoError } from './errors';
import { BITCOIN_NETWORKS, networkParams, type BitcoinNetwork } from './networks';

declare const validKeyOrigin: unique symbol;

/** `[fingerprint/path]xpub` of one cosigner key; only parseKeyOrigin and the generators create one. */
export type KeyOrigin = Readonly<{
  /** Master key fingerprint: 8 lowercase hex characters. */
  fingerprint: string;
  /** Derivation path from the master key, canonical form `m/48'/1'/0'/2'`. */
  path: string;
  /** Extended public key at `path`, serialized for the wallet's network (xpub or tpub). */
  xpub: string;
}> & { readonly [validKeyOrigin]: true };

export interface GeneratedWalletKey {
  /** Master extended private key (xprv/tprv, depth 0): the secret to encrypt, then forget. */
  readonly masterXprv: string;
  readonly origin: KeyOrigin;
}

/** BIP48 script type for native segwit multisig (P2WSH). */
export const BIP48_SCRIPT_TYPE_P2WSH = 2;
const SEED_BYTES = 32;
const MAX_PATH_DEPTH = 255; // BIP32 depth is one byte
const SERIALIZED_KEY_MAX_CHARS = 120; // a BIP32 key is always 111 base58 characters
const base58check = createBase58check(sha256);

/** m/48'/coin'/0'/2' for account 0 of the network (BIP48, SLIP-44 coin type). */
export function bip48AccountPath(network: BitcoinNetwork): string {
  return `m/48'/${networkParams(network).coinType}'/0'/${BIP48_SCRIPT_TYPE_P2WSH}'`;
}

/** Fresh Key #1 / Key #2: 32 bytes from crypto.getRandomValues → BIP32 master → BIP48 account. */
export function generateWalletKey(network: BitcoinNetwork): GeneratedWalletKey {
  const seed = randomBytes(SEED_BYTES);
  try {
    return walletKeyFromSeed(seed, network);
  } finally {
    seed.fill(0);
  }
}

/** Deterministic core of generateWalletKey (BIP32 master from `seed`); also used by known-answer tests. */
export function walletKeyFromSeed(seed: Uint8Array, network: BitcoinNetwork): GeneratedWalletKey {
  const master = HDKey.fromMasterSeed(seed, networkParams(network).bip32);
  try {
    return { masterXprv: master.privateExtendedKey, origin: accountOrigin(master, network) };
  } finally {
    master.wipePrivateData();
  }
}

/** Re-derives the key origin from a decrypted master xprv/tprv (recovery, and checks after encryption). */
export function originFromMasterXprv(masterXprv: string, network: BitcoinNetwork): KeyOrigin {
  const master = decodeExtendedKey(masterXprv, network, 'private');
  try {
    if (master.depth !== 0) throw new CryptoError('INVALID_XPRV', `This key is at depth ${master.depth}, not a master key.`);
    return accountOrigin(master, network);
  } finally {
    master.wipePrivateData();
  }
}

function accountOrigin(master: HDKey, network: BitcoinNetwork): KeyOrigin {
  const path = bip48AccountPath(network);
  const account = master.derive(path);
  try {
    return makeKeyOrigin(fingerprintHex(master.fingerprint), path, account.publicExtendedKey);
  } finally {
    account.wipePrivateData();
  }
}

/**
 * Parses outside input into a KeyOrigin for `network`: fingerprint format, path syntax, xpub
 * decoding for that network, xpub depth = path length, xpub child index = last path step,
 * parent fingerprint = fingerprint when the path has one step, and BIP48 coin type = network.
 */
export function parseKeyOrigin(input: unknown, network: BitcoinNetwork): KeyOrigin {
  if (typeof input !== 'object' || input === null) throw new CryptoError('INVALID_KEY_ORIGIN', 'A key origin must be an object.');
  const { fingerprint, path, xpub } = input as Record<string, unknown>;
  if (typeof fingerprint !== 'string' || !/^[0-9a-fA-F]{8}$/.test(fingerprint)) {
    throw new CryptoError('INVALID_KEY_ORIGIN', 'The fingerprint must be 8 hexadecimal characters.');
  }
  if (typeof path !== 'string') throw new CryptoError('INVALID_KEY_ORIGIN', 'The derivation path is missing.');
  if (typeof xpub !== 'string') throw new CryptoError('INVALID_XPUB', 'The extended public key is missing.');
  const steps = parseDerivationPath(path);
  const key = decodeExtendedKey(xpub, network, 'public');
  const fp = fingerprint.toLowerCase();
  assertOriginConsistent(fp, steps, key);
  assertCoinTypeMatches(steps, network);
  return makeKeyOrigin(fp, formatDerivationPath(steps, "'"), key.publicExtendedKey);
}

function assertOriginConsistent(fingerprint: string, steps: readonly number[], key: HDKey): void {
  if (key.depth !== steps.length) {
    throw new CryptoError('INVALID_KEY_ORIGIN', `The path has ${steps.length} steps but the key is at depth ${key.depth}.`);
  }
  const last = steps.at(-1);
  if (last !== undefined && key.index !== last) {
    throw new CryptoError('INVALID_KEY_ORIGIN', 'The last step of the path is not the key’s own child number.');
  }
  const expected = steps.length === 0 ? key.fingerprint : steps.length === 1 ? key.parentFingerprint : undefined;
  if (expected !== undefined && fingerprintHex(expected) !== fingerprint) {
    throw new CryptoError('INVALID_KEY_ORIGIN', 'The fingerprint does not match the key.');
  }
}

function assertCoinTypeMatches(steps: readonly number[], network: BitcoinNetwork): void {
  const [purpose, coin] = steps;
  const { coinType } = networkParams(network);
  if (purpose === 48 + HARDENED_OFFSET && coin !== undefined && coin !== coinType + HARDENED_OFFSET) {
    throw new CryptoError('NETWORK_MISMATCH', `The BIP48 path uses coin type ${coin - HARDENED_OFFSET}', expected ${coinType}'.`);
  }
}

function makeKeyOrigin(fingerprint: string, path: string, xpub: string): KeyOrigin {
  return Object.freeze({ fingerprint, path, xpub }) as KeyOrigin;
}

/** Rejects a key set that repeats a key: a 2-of-3 with a duplicate is weaker than it looks. */
export function assertDistinctOrigins(origins: readonly KeyOrigin[]): void {
  const xpubs = new Set(origins.map((o) => o.xpub));
  if (xpubs.size !== origins.length) throw new CryptoError('DUPLICATE_KEY');
}

/** BIP32 fingerprint (a uint32) as 8 lowercase hex characters. */
export function fingerprintHex(fingerprint: number): string {
  return (fingerprint >>> 0).toString(16).padStart(8, '0');
}

/** `m/48'/1'/0'/2'` or `m/48h/1h/0h/2h` → child numbers (hardened ones include 2^31). */
export function parseDerivationPath(path: string): number[] {
  const parts = path.split('/');
  if (parts[0] !== 'm' || parts.length - 1 > MAX_PATH_DEPTH) {
    throw new CryptoError('INVALID_KEY_ORIGIN', 'The derivation path must look like m/48\'/1\'/0\'/2\'.');
  }
  return parts.slice(1).map(parsePathStep);
}

/** One BIP32/BIP380 path step: decimal without leading zeros, optional ' or h, below 2^31. */
export function parsePathStep(step: string): number {
  const match = /^(0|[1-9][0-9]{0,9})(['h]?)$/.exec(step);
  const value = match ? Number(match[1]) : Number.NaN;
  if (!match || !(value < HARDENED_OFFSET)) {
    throw new CryptoError('INVALID_KEY_ORIGIN', `"${step.slice(0, 16)}" is not a valid derivation step.`);
  }
  return match[2] ? value + HARDENED_OFFSET : value;
}

/** Child numbers → `m/…` with the given hardened marker (' for paths, h for descriptors). */
export function formatDerivationPath(steps: readonly number[], hardenedMarker: "'" | 'h'): string {
  const formatted = steps.map((s) => (s >= HARDENED_OFFSET ? `${s - HARDENED_OFFSET}${hardenedMarker}` : String(s)));
  return ['m', ...formatted].join('/');
}

/**
 * Decodes a serialized BIP32 key, insisting on the network and on public vs private, and
 * telling which one was wrong. The returned HDKey is public-only for kind 'public'.
 */
export function decodeExtendedKey(serialized: string, network: BitcoinNetwork, kind: 'public' | 'private'): HDKey {
  const code = kind === 'public' ? 'INVALID_XPUB' : 'INVALID_XPRV';
  const params = networkParams(network);
  const expected = kind === 'public' ? params.xpubPrefix : params.xprvPrefix;
  if (serialized.length > SERIALIZED_KEY_MAX_CHARS) throw new CryptoError(code, 'The key is too long.');
  const version = versionOf(serialized, code);
  if (version !== params.bip32[kind]) throw wrongVersionError(version, network, kind, expected);
  try {
    return HDKey.fromExtendedKey(serialized, params.bip32);
  } catch (cause) {
    throw new CryptoError(code, `This ${expected} does not decode to a valid key.`, { cause });
  }
}

function versionOf(serialized: string, code: 'INVALID_XPUB' | 'INVALID_XPRV'): number {
  let bytes: Uint8Array;
  try {
    bytes = base58check.decode(serialized);
  } catch (cause) {
    throw new CryptoError(code, 'The key is mistyped or truncated (base58 checksum failed).', { cause });
  }
  if (bytes.length !== 78) throw new CryptoError(code, 'The key has the wrong length.');
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
}

function wrongVersionError(version: number, network: BitcoinNetwork, kind: 'public' | 'private', expected: string): CryptoError {
  const known = BITCOIN_NETWORKS.map((n) => networkParams(n).bip32);
  if (kind === 'public' && known.some((v) => v.private === version)) {
    return new CryptoError('INVALID_XPUB', 'This is a PRIVATE key: never paste or share it. Only the public form (xpub/tpub) belongs here.');
  }
  if (kind === 'private' && known.some((v) => v.public === version)) {
    return new CryptoError('INVALID_XPRV', 'This is a public key, not the private key.');
  }
  if (known.some((v) => v[kind] === version)) {
    return new CryptoError('NETWORK_MISMATCH', `This wallet is on ${network} and needs the ${expected} form of the key.`);
  }
  const code = kind === 'public' ? 'INVALID_XPUB' : 'INVALID_XPRV';
  return new CryptoError(code, `Keystead needs the ${expected} form of this key (SLIP-132 forms such as Zpub/Vpub are not accepted).`);
}
