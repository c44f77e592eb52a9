/**
 * Keystead key card data, format `keystead-keycard` v1: the public spec is
 * docs/keycard-format.md, its JSON Schema docs/keycard.schema.json (kept equal to
 * KeycardDataSchema by tests/unit/keycard-data.test.ts).
 * - BIP380 output descriptors (checksum, key origins), BIP389 `/<0;1>/*`, BIP32 extended keys and
 *   the first P2WSH address: checked with lib/crypto (descriptor.ts, keys.ts, address.ts).
 * - BIP173 bech32 address prefixes per network.
 *
 * The card is input from outside (a PDF attachment, a scanned QR, a file upload): it is parsed
 * once, here, into a value that is valid from then on. The two password envelopes and Box 4 are
 * opaque to this module: only their shape and sizes are checked (lib/crypto decrypts them).
 */
import * as z from 'zod/mini'; // not 'zod': its namespace import drags ~100 kB gzip of locales into the bundle
import { deriveAddress } from '@/lib/crypto/address';
import { parseWalletDescriptor, type WalletOrigins } from '@/lib/crypto/descriptor';
import { CryptoError, type CryptoErrorCode } from '@/lib/crypto/errors';
import { parseKeyOrigin } from '@/lib/crypto/keys';
import { BITCOIN_NETWORKS, networkParams, type BitcoinNetwork } from '@/lib/crypto/networks';

export const KEYCARD_FORMAT = 'keystead-keycard';
export const KEYCARD_VERSION = 1;
/** File name of the JSON attachment inside the key card PDF. */
export const KEYCARD_ATTACHMENT_NAME = 'keystead-keycard.json';
/** PDF Info /Subject of a key card: lets tools recognise the file without parsing it. */
export const KEYCARD_PDF_SUBJECT = `${KEYCARD_FORMAT} v${KEYCARD_VERSION}`;

// ---------------------------------------------------------------------------------------------
// Schema (each regex here is mirrored in docs/keycard.schema.json)

const PRINTABLE_RE = /^[^\u0000-\u001f\u007f]+$/;
const BASE64_RE = /^[A-Za-z0-9+/_-]+={0,2}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_UTC_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$/;
const FINGERPRINT_RE = /^[0-9a-f]{8}$/;
const PATH_RE = /^m(\/[0-9]{1,10}['h]?){0,10}$/;
const EXTENDED_PUBKEY_RE = /^[xt]pub[1-9A-HJ-NP-Za-km-z]{107}$/;
const DESCRIPTOR_RE = /^wsh\(sortedmulti\(2,[^#]+\)\)#[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{8}$/;
const ADDRESS_RE = /^(bc|tb|bcrt)1[02-9ac-hj-np-z]{8,87}$/;
const CONFIRM_CODE_RE = /^[0-9A-Z]{3,4}-?[0-9A-Z]{3,4}$/;
const KEY_ID_RE = /^[\u0021-\u007e]+$/;
const KDF_PARAM_NAME_RE = /^[A-Za-z0-9_]{1,16}$/;

const matching = (re: RegExp) => z.string().check(z.regex(re));
const printable = (max: number) => z.string().check(z.minLength(1), z.maxLength(max), z.regex(PRINTABLE_RE));
const base64 = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max), z.regex(BASE64_RE));

export const KeyOriginSchema = z.strictObject({
  fingerprint: matching(FINGERPRINT_RE),
  path: matching(PATH_RE),
  xpub: matching(EXTENDED_PUBKEY_RE),
});

/** lib/crypto/envelope.ts format, rough shape only; unknown members are kept, not judged. */
export const KeyEnvelopeSchema = z.looseObject({
  v: z.literal(1),
  kdf: z.enum(['argon2id', 'pbkdf2-sha256']),
  params: z.record(matching(KDF_PARAM_NAME_RE), z.int().check(z.minimum(0), z.maximum(4294967295))),
  salt: base64(16, 128),
  iv: base64(16, 64),
  ct: base64(24, 5464),
});

/** The wallet password, RSA-OAEP-encrypted to Keystead's recovery key (RSA 3072–16384 bits, lib/crypto/recovery-box.ts). */
export const RecoveryBoxSchema = z.looseObject({
  alg: z.literal('RSA-OAEP'),
  hash: z.enum(['SHA-1', 'SHA-256']),
  keyId: z.string().check(z.minLength(1), z.maxLength(128), z.regex(KEY_ID_RE)),
  ct: base64(512, 2732),
});

export const KeycardDataSchema = z.strictObject({
  format: z.literal(KEYCARD_FORMAT),
  v: z.literal(KEYCARD_VERSION),
  wallet: z.strictObject({
    id: matching(UUID_RE),
    name: printable(100),
    orgName: printable(100),
    chain: z.literal('bitcoin'),
    network: z.enum(BITCOIN_NETWORKS),
    threshold: z.literal(2),
    descriptor: z.string().check(z.maxLength(2000), z.regex(DESCRIPTOR_RE)),
    createdAt: matching(ISO_UTC_RE),
  }),
  keys: z.strictObject({ user: KeyOriginSchema, backup: KeyOriginSchema, cosigner: KeyOriginSchema }),
  box1: KeyEnvelopeSchema,
  box2: KeyEnvelopeSchema,
  box3: KeyOriginSchema,
  box4: RecoveryBoxSchema,
  firstAddress: z.strictObject({ path: z.literal('0/0'), address: matching(ADDRESS_RE) }),
  confirmCode: matching(CONFIRM_CODE_RE),
});

export type KeycardData = z.output<typeof KeycardDataSchema>;
export type KeycardKeyOrigin = z.output<typeof KeyOriginSchema>;
export type KeycardEnvelope = z.output<typeof KeyEnvelopeSchema>;
export type KeycardRecoveryBox = z.output<typeof RecoveryBoxSchema>;

// ---------------------------------------------------------------------------------------------
// Errors

export const KEYCARD_ERRORS = {
  NOT_A_KEYCARD: 'This is not a Keystead key card. Choose the key card PDF, or the keystead-keycard.json file inside it.',
  UNSUPPORTED_VERSION: 'This key card was made by a newer or unknown version of Keystead. Update Keystead, or follow the recovery steps printed on the card.',
  KEYCARD_MALFORMED: 'The key card data is incomplete or damaged (a field is missing or has the wrong format). Use the original PDF, or scan the QR codes printed on the card.',
  WRONG_NETWORK: 'This key card belongs to a different Bitcoin network (mainnet vs testnet/regtest). Use the card printed for this wallet.',
  WRONG_WALLET: 'This key card belongs to another wallet. Use the card printed for this wallet.',
  DESCRIPTOR_CHECKSUM: 'The wallet descriptor on this key card fails its checksum: it was changed or mistyped. Use the original PDF, or scan its QR code.',
  KEYCARD_INCONSISTENT: 'The key card contradicts itself (its keys do not match its wallet descriptor). Use the original, unmodified key card.',
  ATTACHMENT_MISSING: 'This PDF has no Keystead key card data attached. Choose the key card PDF exactly as Keystead produced it, or scan its QR codes.',
} as const satisfies Record<string, string>;

export type KeycardErrorCode = keyof typeof KEYCARD_ERRORS;

export interface KeycardIssue {
  readonly path: string;
  readonly message: string;
}

export class KeycardError extends Error {
  override readonly name = 'KeycardError';
  readonly code: KeycardErrorCode;
  /** For KEYCARD_MALFORMED: what is wrong, field by field. */
  readonly issues: readonly KeycardIssue[];

  constructor(code: KeycardErrorCode, detail?: string, options: { cause?: unknown; issues?: readonly KeycardIssue[] } = {}) {
    super(detail === undefined ? KEYCARD_ERRORS[code] : `${detail} ${KEYCARD_ERRORS[code]}`, { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

export function isKeycardError(value: unknown, code?: KeycardErrorCode): value is KeycardError {
  return value instanceof KeycardError && (code === undefined || value.code === code);
}

// ---------------------------------------------------------------------------------------------
// Parsing

export interface KeycardExpectations {
  /** Reject a card for another network (WRONG_NETWORK). */
  network?: BitcoinNetwork;
  /** Reject a card for another wallet (WRONG_WALLET). */
  walletId?: string;
}

/**
 * Parses a key card (the JSON text, or the value it parses to) into KeycardData, then checks
 * what the schema cannot: extended keys and first address against the network, the
 * descriptor's BIP380 checksum, and that the descriptor, `keys` and Box 3 name the same three
 * keys. Throws KeycardError.
 */
export function parseKeycardData(input: unknown, expect: KeycardExpectations = {}): KeycardData {
  const value = typeof input === 'string' ? parseJson(input) : input;
  assertFormatAndVersion(value);
  const result = KeycardDataSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: ISSUE_TEXT[issue.code] ?? 'is not valid' }));
    const first = issues[0];
    throw new KeycardError('KEYCARD_MALFORMED', first && `${first.path || 'card'}: ${first.message}.`, { issues });
  }
  const card = result.data;
  if (expect.walletId !== undefined && card.wallet.id !== expect.walletId) throw new KeycardError('WRONG_WALLET');
  if (expect.network !== undefined && card.wallet.network !== expect.network) {
    throw new KeycardError('WRONG_NETWORK', `The card is for ${card.wallet.network}, expected ${expect.network}.`);
  }
  assertConsistent(card);
  return card;
}

/** zod/mini ships no messages: say it here, per issue code, in the card's terms. */
const ISSUE_TEXT: Partial<Record<z.core.$ZodIssue['code'], string>> = {
  invalid_type: 'is missing or has the wrong type',
  invalid_format: 'has the wrong format',
  invalid_value: 'has a value that is not allowed',
  too_small: 'is too short or too small',
  too_big: 'is too long or too large',
  unrecognized_keys: 'has members that are not allowed',
  invalid_key: 'has a member name that is not allowed',
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new KeycardError('NOT_A_KEYCARD', 'The text is not JSON.', { cause });
  }
}

function assertFormatAndVersion(value: unknown): void {
  const { format, v } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (format !== KEYCARD_FORMAT) throw new KeycardError('NOT_A_KEYCARD');
  if (v !== KEYCARD_VERSION) throw new KeycardError('UNSUPPORTED_VERSION', `Card version ${JSON.stringify(v)}.`);
}

/** lib/crypto's findings, in the card's terms. */
const FROM_CRYPTO_ERROR: Partial<Record<CryptoErrorCode, KeycardErrorCode>> = {
  CHECKSUM_MISMATCH: 'DESCRIPTOR_CHECKSUM',
  NETWORK_MISMATCH: 'WRONG_NETWORK',
  DUPLICATE_KEY: 'KEYCARD_INCONSISTENT',
  INVALID_KEY_ORIGIN: 'KEYCARD_INCONSISTENT',
};

/**
 * The descriptor (checksum, shape, keys valid for the network), the three key origins and Box 3
 * must name the same keys, and the first address must be the descriptor's receive address 0.
 */
function assertConsistent(card: KeycardData): void {
  const { network, descriptor } = card.wallet;
  if (!card.firstAddress.address.startsWith(`${networkParams(network).bech32}1`)) {
    throw new KeycardError('WRONG_NETWORK', `The first address is not a ${network} address.`);
  }
  try {
    // parseKeyOrigin gives one spelling (lowercase fingerprint, ' for hardened): compare as text.
    const described = parseWalletDescriptor(descriptor, network).map(keyExpression).sort();
    const { user, backup, cosigner } = card.keys;
    const origins: WalletOrigins = [parseKeyOrigin(user, network), parseKeyOrigin(backup, network), parseKeyOrigin(cosigner, network)];
    if (origins.map(keyExpression).sort().join() !== described.join()) {
      throw new KeycardError('KEYCARD_INCONSISTENT', 'The descriptor names other keys than the card.');
    }
    if (keyExpression(parseKeyOrigin(card.box3, network)) !== keyExpression(origins[2])) {
      throw new KeycardError('KEYCARD_INCONSISTENT', 'Box 3 is not the co-signer key.');
    }
    if (deriveAddress(origins, network, 0, 0).address !== card.firstAddress.address) {
      throw new KeycardError('KEYCARD_INCONSISTENT', 'The first address is not the wallet’s first receive address.');
    }
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    throw new KeycardError(FROM_CRYPTO_ERROR[error.code] ?? 'KEYCARD_MALFORMED', undefined, { cause: error });
  }
}

/** `[fingerprint/path]xpub` (BIP380 key origin; path without the leading `m`). */
export function keyExpression(origin: KeycardKeyOrigin): string {
  return `[${origin.fingerprint}${origin.path.slice(1)}]${origin.xpub}`;
}

// ---------------------------------------------------------------------------------------------
// What the card prints (docs/keycard-format.md §4–5)

export const KEYCARD_QR_LABELS = ['DESC', 'BOX1', 'BOX2', 'BOX3', 'BOX4'] as const;
export type KeycardQrLabel = (typeof KEYCARD_QR_LABELS)[number];

/**
 * The text behind each QR label. Box 1/2/4 carry the wallet id and key role with them, so one
 * scanned box plus the password is enough to decrypt it (they are the envelope's AAD inputs).
 */
export function keycardQrTexts(card: KeycardData): Record<KeycardQrLabel, string> {
  const walletId = card.wallet.id;
  return {
    DESC: card.wallet.descriptor,
    BOX1: JSON.stringify({ box: 1, walletId, keyRole: 'user', envelope: card.box1 }),
    BOX2: JSON.stringify({ box: 2, walletId, keyRole: 'backup', envelope: card.box2 }),
    BOX3: keyExpression(card.box3),
    BOX4: JSON.stringify({ box: 4, walletId, recovery: card.box4 }),
  };
}

/** KS1 card tag: the first 8 hex digits of the wallet id, uppercase. */
export function keycardQrTag(card: KeycardData): string {
  return card.wallet.id.replace(/-/g, '').slice(0, 8).toUpperCase();
}
