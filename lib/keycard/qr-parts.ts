/**
 * Key card QR payloads, format KS1 (docs/keycard-format.md §5).
 *
 * A printed QR code stays easy to scan from paper up to about 1,500 bytes, so longer texts are
 * cut into numbered parts. Every part is self-describing and self-checking:
 *
 *   KS1/<CARD>/<LABEL>/<I>OF<N>/<WHOLE>/<CHECK>/<DATA>
 *
 *   CARD   1–16 of [0-9A-Z]: the card the part belongs to (Keystead: first 8 hex of the wallet id)
 *   LABEL  1–8 of [0-9A-Z]: what the text is (DESC, BOX1 … BOX4)
 *   I, N   part I of N, 1 ≤ I ≤ N ≤ 99, decimal without leading zeros
 *   WHOLE  first 8 hex digits (uppercase) of SHA-256 of the whole text, UTF-8
 *   CHECK  first 8 hex digits (uppercase) of SHA-256 of this part up to and including the `/`
 *          after WHOLE, followed by DATA: the part's own checksum
 *   DATA   the I-th slice of the text (slices never split a UTF-8 character)
 *
 * The header uses only QR alphanumeric characters; DATA is stored verbatim (byte mode), so any
 * QR scanner shows readable text. Pure and isomorphic; no zod (this file is in the first-paint
 * bundle of pages that scan cards).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export const QR_PARTS_VERSION = 1;
/** A part's full payload (header + data) stays at or under this many UTF-8 bytes by default. */
export const QR_PART_MAX_BYTES = 1500;
const MAX_PARTS = 99;
const MIN_DATA_BYTES = 16;

const LABEL_RE = /^[0-9A-Z]{1,8}$/;
const CARD_TAG_RE = /^[0-9A-Z]{1,16}$/;
const PART_RE = /^KS1\/([0-9A-Z]{1,16})\/([0-9A-Z]{1,8})\/([1-9][0-9]?)OF([1-9][0-9]?)\/([0-9A-F]{8})\/([0-9A-F]{8})\/([\s\S]*)$/;
const VERSION_RE = /^KS([0-9]+)\//;

export const QR_PART_ERRORS = {
  NOT_KEYSTEAD_QR: 'This QR code is not part of a Keystead key card. Scan only the codes printed on the key card.',
  UNSUPPORTED_VERSION: 'This QR code was made by a newer or unknown version of Keystead. Update Keystead and scan again.',
  PART_MALFORMED: 'This QR code looks like a Keystead key card code but its header is damaged. Scan it again, or type the printed text instead.',
  PART_CHECKSUM: 'This QR code failed its checksum: it was damaged or misread. Scan it again, or type the printed text instead.',
  MIXED_CARDS: 'These QR codes come from different key cards. Scan the codes of one key card only.',
  PART_CONFLICT: 'Two different QR codes claim to be the same part. Scan the codes of one key card only, and each part once.',
  PART_MISSING: 'Some parts are missing. Scan every part printed in this box (the caption under each code says "part i of n").',
  WHOLE_CHECKSUM: 'The parts were joined but the result fails its checksum. Scan every part of this box again.',
} as const satisfies Record<string, string>;

export type QrPartErrorCode = keyof typeof QR_PART_ERRORS;

export class QrPartError extends Error {
  override readonly name = 'QrPartError';
  readonly code: QrPartErrorCode;
  /** The label concerned, when known (e.g. 'BOX4'). */
  readonly label: string | undefined;
  /** For PART_MISSING: the 1-based part numbers still to scan. */
  readonly missing: readonly number[];

  constructor(code: QrPartErrorCode, detail?: string, context: { label?: string; missing?: readonly number[] } = {}) {
    super(detail === undefined ? QR_PART_ERRORS[code] : `${detail} ${QR_PART_ERRORS[code]}`);
    this.code = code;
    this.label = context.label;
    this.missing = context.missing ?? [];
  }
}

export interface QrPartOptions {
  /** Identifies the card on every part so parts of different cards are never joined. */
  cardTag: string;
  /** Upper bound for one part's whole payload in UTF-8 bytes (header included). */
  maxBytes?: number;
}

/** One parsed, checksum-verified part. */
export interface QrPart {
  readonly cardTag: string;
  readonly label: string;
  readonly index: number;
  readonly total: number;
  readonly whole: string;
  readonly data: string;
}

/** First 8 hex digits (uppercase) of SHA-256 of the UTF-8 text: the checksums of KS1. */
export function shortHash(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text))).slice(0, 8).toUpperCase();
}

/** Splits `text` into one or more KS1 payloads, each at most `maxBytes` UTF-8 bytes. */
export function encodeQrParts(label: string, text: string, options: QrPartOptions): string[] {
  const { cardTag, maxBytes = QR_PART_MAX_BYTES } = options;
  if (!LABEL_RE.test(label)) throw new RangeError(`QR label must be 1–8 of [0-9A-Z], got ${JSON.stringify(label)}`);
  if (!CARD_TAG_RE.test(cardTag)) throw new RangeError(`QR card tag must be 1–16 of [0-9A-Z], got ${JSON.stringify(cardTag)}`);
  const whole = shortHash(text);
  const prefix = (i: number, n: number) => `KS1/${cardTag}/${label}/${i}OF${n}/${whole}/`;
  const slices = sliceText(text, maxBytes, (n) => utf8Length(prefix(n, n)) + 9 /* CHECK + '/' */);
  return slices.map((data, i) => {
    const head = prefix(i + 1, slices.length);
    return `${head}${shortHash(head + data)}/${data}`;
  });
}

/** Parses and checks one payload (no joining). Throws QrPartError. */
export function parseQrPart(payload: string): QrPart {
  const match = PART_RE.exec(payload);
  if (!match) {
    const version = VERSION_RE.exec(payload)?.[1];
    if (version === undefined) throw new QrPartError('NOT_KEYSTEAD_QR');
    if (version !== String(QR_PARTS_VERSION)) throw new QrPartError('UNSUPPORTED_VERSION', `Format KS${version}.`);
    throw new QrPartError('PART_MALFORMED');
  }
  const [, cardTag, label, i, n, whole, check, data] = match as unknown as [string, string, string, string, string, string, string, string];
  const index = Number(i);
  const total = Number(n);
  if (index > total) throw new QrPartError('PART_MALFORMED', `Part ${index} of ${total}.`, { label });
  const head = `KS1/${cardTag}/${label}/${i}OF${n}/${whole}/`;
  if (shortHash(head + data) !== check) throw new QrPartError('PART_CHECKSUM', `${label} part ${index} of ${total}.`, { label });
  return { cardTag, label, index, total, whole, data };
}

/**
 * Joins scanned payloads, in any order, into label → text. The same payload scanned twice is
 * harmless; two different payloads for the same part, parts of two cards, a missing part or a
 * failed checksum throw QrPartError.
 */
export function decodeQrParts(payloads: readonly string[]): Map<string, string> {
  const byLabel = new Map<string, Map<number, QrPart>>();
  let cardTag: string | undefined;
  for (const payload of payloads) {
    const part = parseQrPart(payload);
    cardTag ??= part.cardTag;
    if (part.cardTag !== cardTag) throw new QrPartError('MIXED_CARDS', `Card ${cardTag} and card ${part.cardTag}.`, { label: part.label });
    const parts = byLabel.get(part.label) ?? new Map<number, QrPart>();
    byLabel.set(part.label, parts);
    addPart(parts, part);
  }
  const texts = new Map<string, string>();
  for (const [label, parts] of byLabel) texts.set(label, joinParts(label, parts));
  return texts;
}

function addPart(parts: Map<number, QrPart>, part: QrPart): void {
  const first = parts.values().next().value;
  if (first && (first.total !== part.total || first.whole !== part.whole)) {
    throw new QrPartError('PART_CONFLICT', `${part.label} was printed as ${first.total} part(s) with checksum ${first.whole}, this part says ${part.total} with ${part.whole}.`, { label: part.label });
  }
  const seen = parts.get(part.index);
  if (seen && seen.data !== part.data) {
    throw new QrPartError('PART_CONFLICT', `${part.label} part ${part.index} of ${part.total} was scanned twice with different contents.`, { label: part.label });
  }
  parts.set(part.index, part);
}

function joinParts(label: string, parts: Map<number, QrPart>): string {
  const { total, whole } = parts.values().next().value as QrPart;
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !parts.has(i));
  if (missing.length > 0) {
    throw new QrPartError('PART_MISSING', `${label}: part ${missing.join(', ')} of ${total} not scanned.`, { label, missing });
  }
  const text = Array.from({ length: total }, (_, i) => (parts.get(i + 1) as QrPart).data).join('');
  if (shortHash(text) !== whole) throw new QrPartError('WHOLE_CHECKSUM', `${label}.`, { label });
  return text;
}

/**
 * Cuts `text` into n slices of nearly equal byte length (equal sizes print as equal QR codes),
 * with the smallest n for which every payload fits `maxBytes`. `headerBytes(n)` is the header
 * length of an n-part payload; it grows by a digit at n = 10.
 */
function sliceText(text: string, maxBytes: number, headerBytes: (n: number) => number): string[] {
  const chars = Array.from(text);
  const sizes = chars.map(utf8Length);
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  for (let n = 1; n <= MAX_PARTS; n++) {
    const capacity = maxBytes - headerBytes(n);
    if (capacity < MIN_DATA_BYTES) throw new RangeError(`maxBytes ${maxBytes} leaves no room for data`);
    const target = Math.ceil(totalBytes / n);
    if (target > capacity) continue;
    const slices = sliceAt(chars, sizes, target);
    if (slices.length <= n) return slices;
  }
  throw new RangeError(`Text of ${totalBytes} bytes needs more than ${MAX_PARTS} QR parts of ${maxBytes} bytes`);
}

/** Greedy slices of at most `target` bytes (a character is never split). */
function sliceAt(chars: readonly string[], sizes: readonly number[], target: number): string[] {
  const slices: string[] = [];
  let current = '';
  let bytes = 0;
  chars.forEach((ch, i) => {
    const size = sizes[i] as number;
    if (bytes + size > target && bytes > 0) {
      slices.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += size;
  });
  slices.push(current);
  return slices;
}

function utf8Length(text: string): number {
  return utf8ToBytes(text).length;
}
