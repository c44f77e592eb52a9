/**
 * Loading a key card for recovery (docs/recovery.md, docs/keycard-format.md): from the PDF
 * (its keystead-keycard.json attachment), the card JSON, scanned QR payloads (KS1 parts) or the
 * box texts typed from paper. Every path ends in lib/keycard's parseKeycardData (schema, network,
 * descriptor checksum, keys = descriptor keys = Box 3, first address) plus our own explicit
 * BIP380 checksum recomputation and key comparison, and every failure is a RecoveryError.
 * Pure and isomorphic: no network, no Node modules.
 */
import { deriveAddress } from '@/lib/crypto/address';
import { descriptorChecksum, parseWalletDescriptor } from '@/lib/crypto/descriptor';
import { CryptoError } from '@/lib/crypto/errors';
import { parseKeyOrigin } from '@/lib/crypto/keys';
import type { BitcoinNetwork } from '@/lib/crypto/networks';
import { KEYCARD_QR_LABELS, KeycardError, keyExpression, parseKeycardData, type KeycardData, type KeycardErrorCode, type KeycardQrLabel } from '@/lib/keycard/data';
import { extractKeycardFromPdf } from '@/lib/keycard/pdf';
import { QrPartError, decodeQrParts } from '@/lib/keycard/qr-parts';
import { RecoveryError, type RecoveryErrorCode } from './errors';

export interface LoadOptions {
  /** The network the person expects; a card of another network is WRONG_NETWORK. */
  network?: BitcoinNetwork;
}

/**
 * QR codes and typed boxes do not carry the network (tpub serves testnet and regtest), nor the
 * wallet's names, creation time and confirmation code: say the network; the rest is optional
 * (placeholders are used, none of them matters for recovery).
 */
export interface LoadFromTextsOptions {
  network: BitcoinNetwork;
  name?: string;
  orgName?: string;
  /** ISO 8601 UTC. Default: the genesis block time, so a rescan from "the birthday" misses nothing. */
  createdAt?: string;
}

export const PLACEHOLDER_NAME = 'Recovered from QR codes';
export const PLACEHOLDER_ORG = 'Unknown organisation';
export const PLACEHOLDER_CREATED_AT = '2009-01-03T18:15:05Z';
export const PLACEHOLDER_CONFIRM_CODE = 'QR00-0000';

const FROM_KEYCARD: Record<KeycardErrorCode, RecoveryErrorCode> = {
  NOT_A_KEYCARD: 'WRONG_FORMAT',
  ATTACHMENT_MISSING: 'WRONG_FORMAT',
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  KEYCARD_MALFORMED: 'CARD_MALFORMED',
  WRONG_NETWORK: 'WRONG_NETWORK',
  WRONG_WALLET: 'CARD_INCONSISTENT',
  DESCRIPTOR_CHECKSUM: 'DESCRIPTOR_CHECKSUM',
  KEYCARD_INCONSISTENT: 'CARD_INCONSISTENT',
};

/** Runs a lib/keycard or lib/crypto step, turning its typed errors into RecoveryErrors. */
function inCardTerms<T>(run: () => T, part?: string): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof RecoveryError) throw error;
    if (error instanceof KeycardError) throw new RecoveryError(FROM_KEYCARD[error.code], error.message, { cause: error, part });
    if (error instanceof CryptoError) {
      const code: RecoveryErrorCode =
        error.code === 'CHECKSUM_MISMATCH' ? 'DESCRIPTOR_CHECKSUM' : error.code === 'NETWORK_MISMATCH' ? 'WRONG_NETWORK' : 'CARD_MALFORMED';
      throw new RecoveryError(code, error.message, { cause: error, part });
    }
    throw error;
  }
}

/**
 * Our own check, independent of the parser's: the BIP380 checksum recomputed over the text before
 * `#` equals the printed one, and the descriptor's three keys are exactly the card's key origins.
 */
export function verifyCardDescriptor(card: KeycardData): void {
  const { descriptor, network } = card.wallet;
  const hashAt = descriptor.lastIndexOf('#');
  if (hashAt < 0) throw new RecoveryError('DESCRIPTOR_CHECKSUM', 'The descriptor has no #checksum.', { part: 'DESC' });
  const printed = descriptor.slice(hashAt + 1);
  const computed = inCardTerms(() => descriptorChecksum(descriptor.slice(0, hashAt)), 'DESC');
  if (computed !== printed) {
    throw new RecoveryError('DESCRIPTOR_CHECKSUM', `The checksum printed is #${printed}, the descriptor’s text gives #${computed}.`, { part: 'DESC' });
  }
  const described = inCardTerms(() => parseWalletDescriptor(descriptor, network), 'DESC').map(keyExpression).sort();
  const { user, backup, cosigner } = card.keys;
  const named = inCardTerms(() => [user, backup, cosigner].map((o) => keyExpression(parseKeyOrigin(o, network))).sort());
  if (described.join() !== named.join()) throw new RecoveryError('CARD_INCONSISTENT', 'The descriptor names other keys than the card.', { part: 'DESC' });
}

function finish(card: KeycardData): KeycardData {
  verifyCardDescriptor(card);
  return card;
}

/** The card JSON (text or parsed value), e.g. keystead-keycard.json. */
export function loadKeycardFromJson(json: string | unknown, opts: LoadOptions = {}): KeycardData {
  return finish(inCardTerms(() => parseKeycardData(json, { network: opts.network })));
}

/** The key card PDF as Keystead produced it (reads its keystead-keycard.json attachment). */
export function loadKeycardFromPdf(pdf: Uint8Array, opts: LoadOptions = {}): KeycardData {
  if (!isPdf(pdf)) throw new RecoveryError('WRONG_FORMAT', 'The file is not a PDF.');
  return finish(inCardTerms(() => extractKeycardFromPdf(pdf, { network: opts.network })));
}

/** Scanned QR payloads (KS1 parts of DESC, BOX1 … BOX4), in any order. */
export function loadKeycardFromQr(payloads: readonly string[], opts: LoadFromTextsOptions): KeycardData {
  const cleaned = payloads.map((p) => p.replace(/[\r\n]+$/, '')).filter((p) => p.length > 0);
  if (cleaned.length === 0) throw new RecoveryError('QR_PART_MISSING', 'No QR code was scanned.', { part: 'DESC' });
  let texts: Map<string, string>;
  try {
    texts = decodeQrParts(cleaned);
  } catch (error) {
    if (!(error instanceof QrPartError)) throw error;
    const part = error.label ?? labelOf(cleaned);
    const code: RecoveryErrorCode =
      error.code === 'PART_MISSING' ? 'QR_PART_MISSING' : error.code === 'NOT_KEYSTEAD_QR' ? 'WRONG_FORMAT' : error.code === 'UNSUPPORTED_VERSION' ? 'UNSUPPORTED_VERSION' : 'QR_PART_DAMAGED';
    throw new RecoveryError(code, `${part ? `${part}: ` : ''}${error.message}`, { cause: error, part });
  }
  return loadKeycardFromTexts(Object.fromEntries(texts), opts);
}

/** Best effort: the label of the first payload whose header no longer parses. */
function labelOf(payloads: readonly string[]): string | undefined {
  for (const p of payloads) {
    const label = /^KS1\/[^/]*\/([0-9A-Z]{1,8})\//.exec(p)?.[1];
    if (label && !/^KS1\/[0-9A-Z]{1,16}\/[0-9A-Z]{1,8}\/[1-9][0-9]?OF[1-9][0-9]?\/[0-9A-F]{8}\/[0-9A-F]{8}\//.test(p)) return label;
  }
  return undefined;
}

interface BoxText {
  box: number;
  walletId: string;
  keyRole?: string;
  envelope?: unknown;
  recovery?: unknown;
}

/**
 * The five texts of the card (as behind its QR codes, or typed from the text printed beside
 * them; whitespace and line breaks are ignored). Every label is required; a missing one is
 * QR_PART_MISSING naming it.
 */
export function loadKeycardFromTexts(input: Partial<Record<KeycardQrLabel | string, string>>, opts: LoadFromTextsOptions): KeycardData {
  const texts = {} as Record<KeycardQrLabel, string>;
  for (const label of KEYCARD_QR_LABELS) {
    const text = input[label]?.replace(/\s+/g, '');
    if (!text) throw new RecoveryError('QR_PART_MISSING', `${label} is missing.`, { part: label });
    texts[label] = text;
  }
  const { network } = opts;
  // The descriptor first, so a tampered checksum is named as such (and before any key is read).
  const hashAt = texts.DESC.lastIndexOf('#');
  if (!texts.DESC.startsWith('wsh(') || hashAt < 0) throw new RecoveryError('WRONG_FORMAT', 'DESC is not a wallet descriptor with #checksum.', { part: 'DESC' });
  const computed = inCardTerms(() => descriptorChecksum(texts.DESC.slice(0, hashAt)), 'DESC');
  if (computed !== texts.DESC.slice(hashAt + 1)) throw new RecoveryError('DESCRIPTOR_CHECKSUM', `DESC gives #${computed}.`, { part: 'DESC' });
  const described = inCardTerms(() => parseWalletDescriptor(texts.DESC, network), 'DESC');

  const box3 = parseBox3(texts.BOX3, network);
  const box1 = parseBoxJson(texts.BOX1, 'BOX1', 1, 'user');
  const box2 = parseBoxJson(texts.BOX2, 'BOX2', 2, 'backup');
  const box4 = parseBoxJson(texts.BOX4, 'BOX4', 4, undefined);
  const walletId = box1.walletId;
  for (const [label, box] of [['BOX2', box2], ['BOX4', box4]] as const) {
    if (box.walletId !== walletId) throw new RecoveryError('CARD_INCONSISTENT', `${label} belongs to wallet ${String(box.walletId)}, BOX1 to ${String(walletId)}.`, { part: label });
  }
  // Keystead writes the descriptor in wallet order (user, backup, cosigner): the two keys that are
  // not Box 3 are Key #1 then Key #2. unlockKeycard proves it by re-deriving each decrypted key.
  const others = described.filter((o) => keyExpression(o) !== keyExpression(box3));
  if (others.length !== 2) throw new RecoveryError('CARD_INCONSISTENT', 'BOX3 is not one of the descriptor’s keys.', { part: 'BOX3' });
  const plain = (o: { fingerprint: string; path: string; xpub: string }) => ({ fingerprint: o.fingerprint, path: o.path, xpub: o.xpub });
  const card = {
    format: 'keystead-keycard',
    v: 1,
    wallet: {
      id: walletId,
      name: opts.name ?? PLACEHOLDER_NAME,
      orgName: opts.orgName ?? PLACEHOLDER_ORG,
      chain: 'bitcoin',
      network,
      threshold: 2,
      descriptor: texts.DESC,
      createdAt: opts.createdAt ?? PLACEHOLDER_CREATED_AT,
    },
    keys: { user: plain(others[0]!), backup: plain(others[1]!), cosigner: plain(box3) },
    box1: box1.envelope,
    box2: box2.envelope,
    box3: plain(box3),
    box4: box4.recovery,
    firstAddress: { path: '0/0', address: '' },
    confirmCode: PLACEHOLDER_CONFIRM_CODE,
  };
  card.firstAddress.address = inCardTerms(() => deriveAddress([others[0]!, others[1]!, box3], network, 0, 0).address);
  return loadKeycardFromJson(card, { network });
}

function parseBox3(text: string, network: BitcoinNetwork) {
  const match = /^\[([0-9a-fA-F]{8})((?:\/[0-9]+['h]?)*)\]([1-9A-HJ-NP-Za-km-z]+)$/.exec(text);
  if (!match) throw new RecoveryError('CARD_MALFORMED', 'BOX3 is not [fingerprint/path]xpub.', { part: 'BOX3' });
  return inCardTerms(() => parseKeyOrigin({ fingerprint: match[1], path: `m${match[2]}`, xpub: match[3] }, network), 'BOX3');
}

function parseBoxJson(text: string, label: string, box: number, keyRole: 'user' | 'backup' | undefined): BoxText {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new RecoveryError('CARD_MALFORMED', `${label} is not JSON.`, { cause, part: label });
  }
  const v = (typeof value === 'object' && value !== null ? value : {}) as BoxText;
  const content = keyRole ? v.envelope : v.recovery;
  if (v.box !== box || typeof v.walletId !== 'string' || v.keyRole !== keyRole || typeof content !== 'object' || content === null) {
    throw new RecoveryError('CARD_MALFORMED', `${label} is not the text of Box ${box}.`, { part: label });
  }
  return v;
}

/**
 * Any of the inputs, recognised by content: PDF bytes, card JSON, or QR payloads one per line
 * (the QR form needs `network`).
 */
export function loadKeycard(input: Uint8Array | string, opts: LoadOptions & Partial<LoadFromTextsOptions> = {}): KeycardData {
  if (typeof input !== 'string') {
    if (isPdf(input)) return loadKeycardFromPdf(input, opts);
    input = new TextDecoder().decode(input);
  }
  const text = input.replace(/^\uFEFF/, '').trim();
  if (text.startsWith('{')) return loadKeycardFromJson(text, opts);
  if (/^KS[0-9]+\//.test(text)) {
    if (!opts.network) throw new RecoveryError('WRONG_NETWORK', 'QR codes do not say the network: choose mainnet, testnet or regtest.');
    return loadKeycardFromQr(text.split(/\r?\n/), { ...opts, network: opts.network });
  }
  throw new RecoveryError('WRONG_FORMAT');
}

function isPdf(bytes: Uint8Array): boolean {
  return bytes.length > 5 && String.fromCharCode(...bytes.subarray(0, 5)) === '%PDF-';
}
