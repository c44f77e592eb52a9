/**
 * Password envelope for a wallet key (Key #1 user / Key #2 backup): a versioned,
 * self-describing, capped record in the style of BitGoJS encryptV2 (STYLE.md §3).
 * - KDF: Argon2id, RFC 9106 (default m = 64 MiB, t = 3, p = 4, via hash-wasm) or
 *   PBKDF2-HMAC-SHA256, RFC 8018 §5.2 (≥ 600,000 iterations, via WebCrypto).
 * - Cipher: AES-256-GCM, NIST SP 800-38D (WebCrypto), 12-byte random IV, 128-bit tag.
 *
 * Wire format, version 1 (JSON; every byte field is standard base64 WITH padding, RFC 4648 §4,
 * canonical: chosen over base64url so `atob`, `base64 -d` and Python's b64decode read it as is):
 *   { "v": 1, "kdf": "argon2id", "params": { "memoryKiB": 65536, "iterations": 3, "parallelism": 4 },
 *     "salt": <16 bytes>, "iv": <12 bytes>, "ct": <ciphertext || 16-byte GCM tag> }
 *   { "v": 1, "kdf": "pbkdf2-sha256", "params": { "iterations": 600000 }, ... same fields }
 * Key = KDF(password, salt) → 32 bytes. The password is Unicode-normalized with NFKC and
 * encoded as UTF-8 first, so the same password typed on another keyboard/OS still opens it.
 * AAD (UTF-8), binding the version, the wallet, the key's role and the KDF settings, so moving an
 * envelope to another wallet/role or weakening its KDF makes decryption fail:
 *   keystead/envelope/v1|<walletId>|<keyRole>|<kdf>|<params>
 *   where <params> is `m=<memoryKiB>,t=<iterations>,p=<parallelism>` (argon2id, PHC order)
 *   or `i=<iterations>` (pbkdf2-sha256), e.g. `keystead/envelope/v1|w_123|user|argon2id|m=65536,t=3,p=4`.
 *
 * Hard caps are checked by parseEnvelope before any derivation runs (a hostile file must not
 * make the browser allocate gigabytes). There is no password check value: only the GCM tag says
 * whether the password was right, so a wrong password and a damaged file look the same.
 * hash-wasm is imported statically on purpose: bundlers tree-shake it to Argon2id alone (~11 kB
 * gzip measured), whereas `await import('hash-wasm')` pulled the whole library (~80 kB gzip).
 * Its WASM is instantiated on first use, not at load; CSP needs 'wasm-unsafe-eval' where it runs.
 */
import * as z from 'zod/mini';
import { base64 } from '@scure/base';
import { randomBytes } from '@noble/hashes/utils.js';
import { argon2id } from 'hash-wasm';
import { CryptoError } from './errors';

export const ENVELOPE_VERSION = 1;
export const KEY_ROLES = ['user', 'backup'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];
export type EnvelopeKdf = 'argon2id' | 'pbkdf2-sha256';
export type EnvelopeStage = 'kdf' | 'encrypt' | 'decrypt';

export interface Argon2idParams {
  /** Memory in KiB (RFC 9106 m). */
  readonly memoryKiB: number;
  /** Passes over memory (RFC 9106 t). */
  readonly iterations: number;
  /** Lanes (RFC 9106 p). */
  readonly parallelism: number;
}
export interface Pbkdf2Params {
  readonly iterations: number;
}

interface EnvelopeFields {
  readonly v: 1;
  /** base64 (RFC 4648 §4, padded) of 16 random bytes. */
  readonly salt: string;
  /** base64 of the 12-byte AES-GCM IV. */
  readonly iv: string;
  /** base64 of ciphertext followed by the 16-byte GCM tag. */
  readonly ct: string;
}
export type KeyEnvelope =
  | (EnvelopeFields & { readonly kdf: 'argon2id'; readonly params: Argon2idParams })
  | (EnvelopeFields & { readonly kdf: 'pbkdf2-sha256'; readonly params: Pbkdf2Params });

export interface EnvelopeContext {
  /** Wallet id (letters, digits, . _ : -; at most 128). */
  readonly walletId: string;
  readonly keyRole: KeyRole;
}

export interface EncryptKeyOptions {
  /** Default 'argon2id'. */
  readonly kdf?: EnvelopeKdf;
  readonly onProgress?: (stage: EnvelopeStage) => void;
  /** Override the KDF cost (tests, benchmarks); must be within KDF_LIMITS and match `kdf`. */
  readonly params?: Argon2idParams | Pbkdf2Params;
}

export const DEFAULT_ARGON2ID_PARAMS: Argon2idParams = Object.freeze({ memoryKiB: 65_536, iterations: 3, parallelism: 4 });
export const DEFAULT_PBKDF2_PARAMS: Pbkdf2Params = Object.freeze({ iterations: 600_000 });

/** Inclusive [min, max] per parameter. 19 MiB / t=2 is OWASP's Argon2id floor; 600k is OWASP's PBKDF2-SHA256 floor. */
export const KDF_LIMITS = {
  argon2id: { memoryKiB: [19_456, 262_144], iterations: [2, 10], parallelism: [1, 8] },
  'pbkdf2-sha256': { iterations: [600_000, 5_000_000] },
} as const satisfies Record<EnvelopeKdf, Record<string, readonly [number, number]>>;

const SALT_BYTES = 16;
const IV_BYTES = 12;
const KEY_BYTES = 32;
const TAG_BYTES = 16;
const MAX_CT_BYTES = 4096;
const MAX_PLAINTEXT_BYTES = MAX_CT_BYTES - TAG_BYTES;
const MAX_JSON_CHARS = 8192;
const WALLET_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const b64Field = (maxBytes: number) => z.string().check(z.maxLength(4 * Math.ceil(maxBytes / 3)));
const commonShape = { v: z.literal(1), salt: b64Field(SALT_BYTES), iv: b64Field(IV_BYTES), ct: b64Field(MAX_CT_BYTES) };
const argon2idParamsSchema = z.strictObject({ memoryKiB: z.number(), iterations: z.number(), parallelism: z.number() });
const pbkdf2ParamsSchema = z.strictObject({ iterations: z.number() });
const envelopeSchema = z.discriminatedUnion('kdf', [
  z.strictObject({ ...commonShape, kdf: z.literal('argon2id'), params: argon2idParamsSchema }),
  z.strictObject({ ...commonShape, kdf: z.literal('pbkdf2-sha256'), params: pbkdf2ParamsSchema }),
]);

interface DecodedEnvelope {
  readonly envelope: KeyEnvelope;
  readonly salt: Uint8Array<ArrayBuffer>;
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly ct: Uint8Array<ArrayBuffer>;
}

/** Encrypts `plaintext` (for Keystead: the UTF-8 master xprv, see keys.ts) under `password`. */
export async function encryptKey(
  plaintext: Uint8Array,
  password: string,
  ctx: EnvelopeContext,
  opts: EncryptKeyOptions = {},
): Promise<KeyEnvelope> {
  if (!(plaintext instanceof Uint8Array)) throw new TypeError('plaintext must be a Uint8Array');
  if (plaintext.length === 0 || plaintext.length > MAX_PLAINTEXT_BYTES) throw new RangeError(`plaintext must be 1..${MAX_PLAINTEXT_BYTES} bytes`);
  const passwordBytes = normalizePassword(password);
  if (passwordBytes.length === 0) throw new RangeError('password must not be empty');
  const kdf = opts.kdf ?? 'argon2id';
  const params = checkParams(kdf, opts.params ?? (kdf === 'argon2id' ? DEFAULT_ARGON2ID_PARAMS : DEFAULT_PBKDF2_PARAMS));
  const aad = additionalData(ctx, kdf, params);
  const salt = randomBytesCopy(SALT_BYTES);
  const iv = randomBytesCopy(IV_BYTES);
  opts.onProgress?.('kdf');
  const key = await deriveAesKey(kdf, params, passwordBytes, salt, ['encrypt']);
  opts.onProgress?.('encrypt');
  const data = new Uint8Array(plaintext);
  try {
    const ct = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, data));
    const fields = { v: 1 as const, salt: base64.encode(salt), iv: base64.encode(iv), ct: base64.encode(ct) };
    return Object.freeze({ ...fields, kdf, params: Object.freeze({ ...params }) } as KeyEnvelope);
  } finally {
    data.fill(0);
  }
}

/**
 * Decrypts an envelope read from outside (object or JSON text). Parses and caps it first, so a
 * malformed or hostile envelope fails before any key derivation. Wrong password, any edited field
 * and the wrong wallet/role all end in CryptoError('WRONG_PASSWORD').
 */
export async function decryptKey(
  envelope: unknown,
  password: string,
  ctx: EnvelopeContext,
  opts: { readonly onProgress?: (stage: EnvelopeStage) => void } = {},
): Promise<Uint8Array> {
  const decoded = decodeEnvelope(envelope);
  const aad = additionalData(ctx, decoded.envelope.kdf, decoded.envelope.params);
  const passwordBytes = normalizePassword(password);
  if (passwordBytes.length === 0) throw new CryptoError('WRONG_PASSWORD', 'No password was entered.');
  opts.onProgress?.('kdf');
  const { kdf, params } = decoded.envelope;
  const key = await deriveAesKey(kdf, params, passwordBytes, decoded.salt, ['decrypt']);
  opts.onProgress?.('decrypt');
  const webCrypto = subtle();
  try {
    const algorithm = { name: 'AES-GCM', iv: decoded.iv, additionalData: aad, tagLength: 128 };
    return new Uint8Array(await webCrypto.decrypt(algorithm, key, decoded.ct));
  } catch (cause) {
    throw new CryptoError('WRONG_PASSWORD', undefined, { cause });
  }
}

/** Validates an envelope (object or JSON text) without decrypting; returns a frozen, well-formed copy. */
export function parseEnvelope(input: unknown): KeyEnvelope {
  return decodeEnvelope(input).envelope;
}

function decodeEnvelope(input: unknown): DecodedEnvelope {
  const candidate = typeof input === 'string' ? parseJson(input) : input;
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    throw new CryptoError('ENVELOPE_MALFORMED', 'The envelope is not an object.');
  }
  assertSupportedVersion((candidate as Record<string, unknown>).v);
  const result = envelopeSchema.safeParse(candidate);
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((i) => i.path.map(String).join('.') || '(root)'))].join(', ');
    throw new CryptoError('ENVELOPE_MALFORMED', `Problem with: ${fields}.`);
  }
  const parsed = result.data;
  const params = checkParams(parsed.kdf, parsed.params);
  const salt = decodeBytes('salt', parsed.salt, SALT_BYTES, SALT_BYTES);
  const iv = decodeBytes('iv', parsed.iv, IV_BYTES, IV_BYTES);
  const ct = decodeBytes('ct', parsed.ct, TAG_BYTES + 1, MAX_CT_BYTES);
  const envelope = Object.freeze({ ...parsed, params: Object.freeze({ ...params }) }) as KeyEnvelope;
  return { envelope, salt, iv, ct };
}

function parseJson(text: string): unknown {
  if (text.length > MAX_JSON_CHARS) throw new CryptoError('ENVELOPE_MALFORMED', 'The envelope is too large.');
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CryptoError('ENVELOPE_MALFORMED', 'The envelope is not valid JSON.', { cause });
  }
}

function assertSupportedVersion(v: unknown): void {
  if (v === ENVELOPE_VERSION) return;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) {
    throw new CryptoError('UNSUPPORTED_VERSION', `Envelope version ${v} is not supported (this version reads v${ENVELOPE_VERSION}).`);
  }
  throw new CryptoError('ENVELOPE_MALFORMED', 'The envelope has no valid version field "v".');
}

/** Shape and hard caps of KDF parameters; runs before any derivation. */
function checkParams(kdf: EnvelopeKdf, params: unknown): Argon2idParams | Pbkdf2Params {
  const schema = kdf === 'argon2id' ? argon2idParamsSchema : pbkdf2ParamsSchema;
  const result = schema.safeParse(params);
  if (!result.success) throw new CryptoError('ENVELOPE_MALFORMED', `The ${kdf} parameters have the wrong shape.`);
  const limits: Record<string, readonly [number, number]> = KDF_LIMITS[kdf];
  const values = result.data as Record<string, number>;
  for (const [name, [min, max]] of Object.entries(limits)) {
    const value = values[name];
    if (value === undefined || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new CryptoError('KDF_PARAMS_OUT_OF_RANGE', `${kdf} ${name} must be a whole number from ${min} to ${max}.`);
    }
  }
  return result.data;
}

function decodeBytes(field: string, text: string, minBytes: number, maxBytes: number): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array;
  try {
    bytes = base64.decode(text);
  } catch (cause) {
    throw new CryptoError('ENVELOPE_MALFORMED', `The ${field} field is not valid base64.`, { cause });
  }
  if (bytes.length < minBytes || bytes.length > maxBytes) {
    throw new CryptoError('ENVELOPE_MALFORMED', `The ${field} field has the wrong length.`);
  }
  return new Uint8Array(bytes);
}

function additionalData(ctx: EnvelopeContext, kdf: EnvelopeKdf, params: Argon2idParams | Pbkdf2Params): Uint8Array<ArrayBuffer> {
  if (typeof ctx?.walletId !== 'string' || !WALLET_ID.test(ctx.walletId)) throw new TypeError('ctx.walletId must match ' + WALLET_ID.source);
  if (!(KEY_ROLES as readonly unknown[]).includes(ctx.keyRole)) throw new TypeError("ctx.keyRole must be 'user' or 'backup'");
  const text = `keystead/envelope/v${ENVELOPE_VERSION}|${ctx.walletId}|${ctx.keyRole}|${kdf}|${canonicalParams(kdf, params)}`;
  return new TextEncoder().encode(text);
}

function canonicalParams(kdf: EnvelopeKdf, params: Argon2idParams | Pbkdf2Params): string {
  if (kdf === 'pbkdf2-sha256') return `i=${params.iterations}`;
  const { memoryKiB, iterations, parallelism } = params as Argon2idParams;
  return `m=${memoryKiB},t=${iterations},p=${parallelism}`;
}

/** NFKC, then UTF-8 (see the header). */
function normalizePassword(password: string): Uint8Array<ArrayBuffer> {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  return new TextEncoder().encode(password.normalize('NFKC'));
}

async function deriveAesKey(
  kdf: EnvelopeKdf,
  params: Argon2idParams | Pbkdf2Params,
  password: Uint8Array<ArrayBuffer>,
  salt: Uint8Array<ArrayBuffer>,
  usages: KeyUsage[],
): Promise<CryptoKey> {
  const keyBytes =
    kdf === 'argon2id'
      ? await deriveArgon2id(password, salt, params as Argon2idParams)
      : await derivePbkdf2(password, salt, params as Pbkdf2Params);
  password.fill(0);
  try {
    return await subtle().importKey('raw', keyBytes, { name: 'AES-GCM' }, false, usages);
  } finally {
    keyBytes.fill(0);
  }
}

async function deriveArgon2id(password: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>, params: Argon2idParams): Promise<Uint8Array<ArrayBuffer>> {
  const hash = await argon2id({
    password,
    salt,
    memorySize: params.memoryKiB,
    iterations: params.iterations,
    parallelism: params.parallelism,
    hashLength: KEY_BYTES,
    outputType: 'binary',
  });
  const keyBytes = new Uint8Array(hash);
  hash.fill(0);
  return keyBytes;
}

async function derivePbkdf2(password: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>, params: Pbkdf2Params): Promise<Uint8Array<ArrayBuffer>> {
  const base = await subtle().importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: params.iterations }, base, KEY_BYTES * 8);
  return new Uint8Array(bits);
}

function randomBytesCopy(length: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(randomBytes(length));
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new CryptoError('CRYPTO_UNAVAILABLE');
  return s;
}
