/**
 * "No vendor secret" recovery of the wallet password: the password is split among officers so
 * that any k of n printed share cards give it back, with no Keystead server, HSM or Box 4
 * (docs/password-shares.md is the public spec; keep the two in step).
 *
 * Construction (encrypt, then split the key):
 *   K   = 32 random bytes (a fresh AES-256 key, used for exactly one encryption)
 *   C   = AES-256-GCM(K, IV = 12 zero bytes, AAD, pad(NFKC(password) as UTF-8))   (SP 800-38D)
 *   S_i = shamir-secret-sharing split(K, n, k)[i]: 33 bytes, 32 y-values then the x-coordinate
 *   card i = header ‖ S_i ‖ C, checksummed; C is the same on every card of a split.
 * Fewer than k cards say nothing about K (Shamir, GF(2^8)), so C reveals nothing but the padded
 * length, and there is no fast "is this the password?" test for an attacker holding some cards.
 * Any wrong-but-well-formed share gives a wrong K, which the 128-bit GCM tag refuses; with more
 * than k cards, each card is checked against the recovered key, so every bad share is found.
 *
 * Text of one card (Crockford base32, case-insensitive; O→0, I/L→1 when read):
 *   KSS1-<WALLET>-<K>OF<N>-<I>-<SET>-<BODY in groups of 5>-<CHECK>
 *   WALLET 8 hex digits: the wallet id's first 8 hex digits (UUID) or of SHA-256(wallet id)
 *   SET    8 Crockford chars: 5 random bytes common to all cards of one split
 *   CHECK  8 Crockford chars: first 5 bytes of SHA-256 of the canonical text before `-CHECK`
 * Pure and isomorphic (WebCrypto + @noble/hashes); no zod, no node: modules.
 */
import { combine, split } from 'shamir-secret-sharing';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { CryptoError } from './errors';
import { MAX_PASSWORD_UTF8_BYTES } from './password-strength';

export const PASSWORD_SHARES_VERSION = 1;
export const SHARE_PREFIX = 'KSS1';
export const MIN_SHARES = 2;
export const MAX_SHARES = 10;
const KEY_BYTES = 32;
const SHAMIR_SHARE_BYTES = KEY_BYTES + 1;
const TAG_BYTES = 16;
const PAD_BLOCK = 16;
const SET_ID_BYTES = 5;
const CHECK_BYTES = 5;
const GROUP = 5;
const MAX_TEXT_CHARS = 2000;
const ZERO_IV = new Uint8Array(12);

export const PASSWORD_SHARE_ERRORS = {
  SHARE_FORMAT:
    'This is not a Keystead password share (it should look like KSS1-XXXXXXXX-2OF3-1-…). Copy the whole text printed on the share card, or scan its QR code.',
  SHARE_VERSION: 'This password share was made by a newer or unknown version of Keystead. Update Keystead to read it.',
  SHARE_CHECKSUM:
    'This password share fails its checksum: a character was mistyped, missed or swapped. Compare it with the card character by character, or scan the QR code.',
  SHARE_TOO_FEW: 'Not enough shares: more shares of this set are needed to recover the password.',
  SHARE_MIXED_SETS:
    'These shares come from different splits (different set codes, thresholds or wallets). Use only cards of one set: the set code is the fifth field on every card.',
  SHARE_DUPLICATE: 'The same share was entered twice. Enter each card once.',
  SHARE_WRONG_WALLET: 'These shares belong to a different wallet. Use the share cards made for this wallet.',
  SHARE_INVALID:
    'The shares are well-formed but do not fit together: at least one of them is not a genuine share of this set (altered or forged). Try other cards of the set.',
} as const satisfies Record<string, string>;

export type PasswordShareErrorCode = keyof typeof PASSWORD_SHARE_ERRORS;

export class PasswordShareError extends Error {
  override readonly name = 'PasswordShareError';
  readonly code: PasswordShareErrorCode;
  /** SHARE_TOO_FEW: how many more shares are needed. */
  readonly missing: number;
  /** SHARE_INVALID / SHARE_DUPLICATE: the share numbers found to be bad or repeated, when known. */
  readonly indexes: readonly number[];

  constructor(code: PasswordShareErrorCode, detail?: string, context: { missing?: number; indexes?: readonly number[]; cause?: unknown } = {}) {
    super(detail === undefined ? PASSWORD_SHARE_ERRORS[code] : `${detail} ${PASSWORD_SHARE_ERRORS[code]}`, { cause: context.cause });
    this.code = code;
    this.missing = context.missing ?? 0;
    this.indexes = context.indexes ?? [];
  }
}

export function isPasswordShareError(value: unknown, code?: PasswordShareErrorCode): value is PasswordShareError {
  return value instanceof PasswordShareError && (code === undefined || value.code === code);
}

export interface PasswordShare {
  readonly version: 1;
  /** 8 uppercase hex digits identifying the wallet (see walletTag). */
  readonly walletTag: string;
  /** Threshold: any k shares recover the password. */
  readonly k: number;
  readonly n: number;
  /** 1-based number of this share, printed as "share i of n". */
  readonly index: number;
  /** 8 Crockford base32 characters, the same on every share of one split. */
  readonly setId: string;
  /** The raw shamir-secret-sharing share of the AES key: 32 bytes, then the x-coordinate. */
  readonly share: Uint8Array;
  /** AES-256-GCM ciphertext of the padded password, then the 16-byte tag (same on every share). */
  readonly ciphertext: Uint8Array;
  /** Canonical printed text, e.g. KSS1-1A2B3C4D-2OF3-1-…; what the QR code holds. */
  readonly text: string;
  /** Optional note from splitPassword (not part of the text or the cryptography). */
  readonly label?: string;
}

export interface SplitPasswordOptions {
  k: number;
  n: number;
  walletId: string;
  label?: string;
}

// ---------------------------------------------------------------------------------------------
// Split and combine

export async function splitPassword(password: string, opts: SplitPasswordOptions): Promise<PasswordShare[]> {
  if (typeof password !== 'string' || password.length === 0) throw new TypeError('password must be a non-empty string');
  const { k, n } = opts;
  if (!Number.isInteger(n) || n < MIN_SHARES || n > MAX_SHARES) throw new RangeError(`n must be an integer from ${MIN_SHARES} to ${MAX_SHARES}`);
  if (!Number.isInteger(k) || k < MIN_SHARES || k > n) throw new RangeError(`k must be an integer from ${MIN_SHARES} to n`);
  const tag = walletTag(opts.walletId);
  const plaintext = utf8ToBytes(password.normalize('NFKC'));
  if (plaintext.length > MAX_PASSWORD_UTF8_BYTES) throw new RangeError(`the password must be at most ${MAX_PASSWORD_UTF8_BYTES} UTF-8 bytes`);
  const setId = base32Encode(randomBytes(SET_ID_BYTES));
  const key = randomBytes(KEY_BYTES);
  const padded = pad(plaintext);
  try {
    const ciphertext = await aesGcm('encrypt', key, aad(tag, k, n, setId), padded);
    const raw = await split(key, n, k);
    return raw.map((share, i) => {
      const fields = { version: 1 as const, walletTag: tag, k, n, index: i + 1, setId, share, ciphertext };
      return Object.freeze({ ...fields, text: shareText(fields), ...(opts.label === undefined ? {} : { label: opts.label }) });
    });
  } finally {
    key.fill(0);
    plaintext.fill(0);
    padded.fill(0);
  }
}

/**
 * Recovers the password (NFKC form) from at least k shares of one split. Accepts parsed shares or
 * their texts. With more than k shares, every share is checked: a bad one is reported, never ignored.
 */
export async function combineShares(input: ReadonlyArray<PasswordShare | string>, expect: { walletId?: string } = {}): Promise<string> {
  const shares = input.map((s) => (typeof s === 'string' ? parseShare(s) : s));
  const first = shares[0];
  if (!first) throw new PasswordShareError('SHARE_TOO_FEW', 'No shares were given.', { missing: MIN_SHARES });
  for (const s of shares) {
    const sameSet = s.setId === first.setId && s.k === first.k && s.n === first.n && s.walletTag === first.walletTag;
    if (!sameSet || !equalBytes(s.ciphertext, first.ciphertext) || s.share.length !== first.share.length) {
      throw new PasswordShareError('SHARE_MIXED_SETS', `Share ${s.index} (set ${s.setId}, ${s.k} of ${s.n}) differs from share ${first.index} (set ${first.setId}, ${first.k} of ${first.n}).`);
    }
  }
  if (expect.walletId !== undefined && walletTag(expect.walletId) !== first.walletTag) {
    throw new PasswordShareError('SHARE_WRONG_WALLET', `The shares are for wallet ${first.walletTag}, not ${walletTag(expect.walletId)}.`);
  }
  const seen = new Map<number, number>();
  const seenX = new Map<number, number>();
  for (const s of shares) {
    const x = s.share[s.share.length - 1] as number;
    const twin = seen.get(s.index) ?? seenX.get(x);
    if (twin !== undefined) throw new PasswordShareError('SHARE_DUPLICATE', `Share ${s.index} was given twice.`, { indexes: [twin, s.index] });
    seen.set(s.index, s.index);
    seenX.set(x, s.index);
  }
  if (shares.length < first.k) {
    const missing = first.k - shares.length;
    throw new PasswordShareError('SHARE_TOO_FEW', `${shares.length} of the ${first.k} shares needed were given; ${missing} more needed.`, { missing });
  }

  const additional = aad(first.walletTag, first.k, first.n, first.setId);
  // Find k shares that open the ciphertext (at most C(10,5) = 252 tries), then check the others.
  for (const subset of subsets(shares.length, first.k)) {
    const chosen = subset.map((i) => shares[i] as PasswordShare);
    const key = await combine(chosen.map((s) => s.share));
    try {
      const padded = await aesGcm('decrypt', key, additional, first.ciphertext).catch(() => undefined);
      if (!padded) continue;
      const bad: number[] = [];
      const base = chosen.slice(0, first.k - 1).map((s) => s.share);
      for (const [i, s] of shares.entries()) {
        if (subset.includes(i)) continue;
        const other = await combine([...base, s.share]);
        if (!equalBytes(other, key)) bad.push(s.index);
        other.fill(0);
      }
      if (bad.length > 0) {
        padded.fill(0);
        throw new PasswordShareError('SHARE_INVALID', `Share${bad.length > 1 ? 's' : ''} ${bad.join(', ')} ${bad.length > 1 ? 'are' : 'is'} not genuine.`, { indexes: bad });
      }
      const plaintext = unpad(padded);
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
      } catch (cause) {
        throw new PasswordShareError('SHARE_INVALID', 'The recovered password is not valid text.', { cause });
      } finally {
        padded.fill(0);
      }
    } finally {
      key.fill(0);
    }
  }
  throw new PasswordShareError('SHARE_INVALID', shares.length > first.k ? 'No group of the shares given fits together.' : undefined);
}

// ---------------------------------------------------------------------------------------------
// Text encoding

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const HEX8_RE = /^[0-9A-F]{8}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KOFN_RE = /^([1-9][0-9]?)OF([1-9][0-9]?)$/;
const INDEX_RE = /^[1-9][0-9]?$/;
const CROCKFORD_RE = /^[0-9A-HJKMNP-TV-Z]+$/;

/** 8 uppercase hex digits naming the wallet on its cards: a UUID's first 8, else SHA-256's. */
export function walletTag(walletId: string): string {
  if (typeof walletId !== 'string' || walletId.length === 0 || walletId.length > 128) throw new TypeError('walletId must be 1..128 characters');
  return (UUID_RE.test(walletId) ? walletId.slice(0, 8) : bytesToHex(sha256(utf8ToBytes(walletId))).slice(0, 8)).toUpperCase();
}

/** Reads one share's text (as printed, scanned or typed: case, spaces and line breaks do not matter). */
export function parseShare(text: string): PasswordShare {
  if (typeof text !== 'string' || text.length > MAX_TEXT_CHARS) throw new PasswordShareError('SHARE_FORMAT');
  const fields = text.replace(/\s+/g, '').toUpperCase().split('-').filter((f) => f.length > 0);
  const [prefix, wallet, kOfN, index, setId, ...rest] = fields;
  if (prefix !== SHARE_PREFIX) {
    if (prefix !== undefined && /^KSS[0-9]+$/.test(prefix)) throw new PasswordShareError('SHARE_VERSION', `Version ${prefix} is not supported.`);
    throw new PasswordShareError('SHARE_FORMAT');
  }
  const check = rest.pop();
  if (!wallet || !kOfN || !index || !setId || !check || rest.length === 0) throw new PasswordShareError('SHARE_FORMAT', 'A field is missing.');
  // The checksum is checked first, over the fields as typed (Crockford aliases O→0, I/L→1 read in
  // the base32 fields), so that any typo is reported as a typo whatever field it falls in.
  const walletField = crockford(wallet);
  const setField = crockford(setId);
  const checkField = crockford(check);
  const body = crockford(rest.join(''));
  if (checksum(`${prefix}-${walletField}-${kOfN}-${index}-${setField}-${body}`) !== checkField) throw new PasswordShareError('SHARE_CHECKSUM');
  const kn = KOFN_RE.exec(kOfN);
  if (!kn || !HEX8_RE.test(walletField) || !INDEX_RE.test(index) || ![setField, body].every((f) => CROCKFORD_RE.test(f)) || setField.length !== 8) {
    throw new PasswordShareError('SHARE_FORMAT', 'A field has the wrong length or characters.');
  }
  // Past the checksum, anything wrong below was made on purpose (or by a different tool): FORMAT.
  const k = Number(kn[1]);
  const n = Number(kn[2]);
  const i = Number(index);
  if (!(MIN_SHARES <= k && k <= n && n <= MAX_SHARES && i <= n)) throw new PasswordShareError('SHARE_FORMAT', `"${k} of ${n}, share ${i}" is not possible.`);
  const bytes = base32Decode(body);
  const ctLength = bytes ? bytes.length - SHAMIR_SHARE_BYTES : -1;
  if (!bytes || ctLength < PAD_BLOCK + TAG_BYTES || (ctLength - TAG_BYTES) % PAD_BLOCK !== 0 || bytes[SHAMIR_SHARE_BYTES - 1] === 0) {
    throw new PasswordShareError('SHARE_FORMAT', 'The share data has the wrong length.');
  }
  const fieldsOut = {
    version: 1 as const,
    walletTag: walletField,
    k,
    n,
    index: i,
    setId: setField,
    share: bytes.slice(0, SHAMIR_SHARE_BYTES),
    ciphertext: bytes.slice(SHAMIR_SHARE_BYTES),
  };
  return Object.freeze({ ...fieldsOut, text: shareText(fieldsOut) });
}

/** The canonical text of a share: header, body in groups of 5, checksum; QR alphanumeric only. */
export function shareText(s: Pick<PasswordShare, 'walletTag' | 'k' | 'n' | 'index' | 'setId' | 'share' | 'ciphertext'>): string {
  const head = `${SHARE_PREFIX}-${s.walletTag}-${s.k}OF${s.n}-${s.index}-${s.setId}-`;
  const body = base32Encode(concat(s.share, s.ciphertext));
  return `${head}${groups(body).join('-')}-${checksum(head + body)}`;
}

/** The body of a share's text in groups of 5 (for printing): `KSS1-…-SET` header, groups, checksum. */
export function shareTextParts(s: PasswordShare): { header: string; groups: string[]; check: string } {
  const head = `${SHARE_PREFIX}-${s.walletTag}-${s.k}OF${s.n}-${s.index}-${s.setId}`;
  const body = base32Encode(concat(s.share, s.ciphertext));
  return { header: head, groups: groups(body), check: checksum(`${head}-${body}`) };
}

function checksum(canonical: string): string {
  return base32Encode(sha256(utf8ToBytes(canonical)).slice(0, CHECK_BYTES));
}

function crockford(field: string): string {
  return field.replace(/O/g, '0').replace(/[IL]/g, '1');
}

function groups(body: string): string[] {
  return body.match(new RegExp(`.{1,${GROUP}}`, 'g')) ?? [];
}

/** RFC 4648 bit order, Crockford alphabet, no padding characters (last digit zero-padded). */
function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >>> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

/** Inverse of base32Encode; undefined unless canonical (no leftover digit, zero padding bits). */
function base32Decode(text: string): Uint8Array | undefined {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return undefined;
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >>> bits) & 0xff);
    }
    acc &= (1 << bits) - 1;
  }
  if (bits >= 5 || acc !== 0) return undefined;
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------
// Helpers

function aad(tag: string, k: number, n: number, setId: string): Uint8Array {
  return utf8ToBytes(`keystead/password-shares/v1|${tag}|${k}of${n}|${setId}`);
}

/** ISO/IEC 7816-4 padding to a multiple of 16 bytes: 0x80, then zeros (hides the exact length). */
function pad(plaintext: Uint8Array): Uint8Array {
  const out = new Uint8Array((Math.floor(plaintext.length / PAD_BLOCK) + 1) * PAD_BLOCK);
  out.set(plaintext);
  out[plaintext.length] = 0x80;
  return out;
}

function unpad(padded: Uint8Array): Uint8Array {
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 1 || padded[end] !== 0x80) throw new PasswordShareError('SHARE_INVALID', 'The recovered password is badly padded.');
  return padded.subarray(0, end);
}

async function aesGcm(op: 'encrypt' | 'decrypt', key: Uint8Array, additionalData: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new CryptoError('CRYPTO_UNAVAILABLE');
  const raw = new Uint8Array(key);
  const cryptoKey = await s.importKey('raw', raw, { name: 'AES-GCM' }, false, [op]).finally(() => raw.fill(0));
  const params = { name: 'AES-GCM', iv: ZERO_IV, additionalData: new Uint8Array(additionalData), tagLength: TAG_BYTES * 8 };
  const out = op === 'encrypt' ? await s.encrypt(params, cryptoKey, new Uint8Array(data)) : await s.decrypt(params, cryptoKey, new Uint8Array(data));
  return new Uint8Array(out);
}

/** Index sets of size k from 0..count-1, in lexicographic order. */
function* subsets(count: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  while (true) {
    yield [...idx];
    let i = k - 1;
    while (i >= 0 && idx[i] === count - k + i) i--;
    if (i < 0) return;
    (idx[i] as number)++;
    for (let j = i + 1; j < k; j++) idx[j] = (idx[j - 1] as number) + 1;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
