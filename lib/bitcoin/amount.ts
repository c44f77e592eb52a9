/**
 * Exact bitcoin amounts: integers of satoshis (bigint) everywhere, decimal text only at the edge.
 * No floating point: "0.1" becomes 10_000_000n by string arithmetic, never via Number.
 * - Unit: 1 BTC = 10^8 sat; supply cap 21,000,000 BTC (Bitcoin Core MAX_MONEY).
 * - Dust: Bitcoin Core policy/policy.cpp GetDustThreshold at the default dustrelayfee of
 *   3 sat/vB: (serialized output size + spend size) × 3, the spend size being 67 vbytes for a
 *   witness program and 148 for anything else; unspendable (OP_RETURN) outputs have no threshold.
 *   That gives P2WPKH 294, P2WSH and P2TR 330, P2SH 540, P2PKH 546 sat.
 *
 * Accepted text (decision): ASCII digits with at most one `.` as the decimal separator, e.g.
 * "1", "0.1", "0.00000001", "21000000". Thousands separators and commas are refused rather than
 * guessed, because "1,000" (one thousand) and "1,000" (one, in a decimal-comma locale) differ
 * by a factor of 1000. Exponents, signs, "∞", ".5" and "5." are refused too. More than 8
 * decimals is AMOUNT_TOO_PRECISE unless the extra digits are zeros ("0.000000010" = 1 sat).
 */
import { BitcoinError } from './errors';

export type AmountUnit = 'BTC' | 'sat';

export const SATS_PER_BTC = 100_000_000n;
export const BTC_DECIMALS = 8;
/** 21,000,000 BTC in sats (Bitcoin Core MAX_MONEY). */
export const MAX_MONEY_SATS = 21_000_000n * SATS_PER_BTC;
/** Dust threshold of a P2WSH output (the wallet's own change): (43 + 67) × 3 sat. */
export const DUST_LIMIT_SATS = 330n;

const DUST_RELAY_SATS_PER_VB = 3n;
const WITNESS_SPEND_VBYTES = 67n; // 32 + 4 + 1 + floor(107 / 4) + 4
const LEGACY_SPEND_VBYTES = 148n; // 32 + 4 + 1 + 107 + 4
const MAX_AMOUNT_CHARS = 40;
const OP_0 = 0x00;
const OP_1 = 0x51;
const OP_16 = 0x60;
const OP_RETURN = 0x6a;
const MAX_SCRIPT_SIZE = 10_000;

/** Parses a BTC amount typed by a person into sats. */
export function parseBtcAmount(text: string): bigint {
  const [whole, fraction] = splitDecimal(text);
  if (fraction.length > BTC_DECIMALS && /[1-9]/.test(fraction.slice(BTC_DECIMALS))) throw new BitcoinError('AMOUNT_TOO_PRECISE');
  const sats = BigInt(whole) * SATS_PER_BTC + BigInt(fraction.slice(0, BTC_DECIMALS).padEnd(BTC_DECIMALS, '0'));
  return checkRange(sats);
}

/** Parses a whole number of sats typed by a person ("1500"); decimals are AMOUNT_TOO_PRECISE. */
export function parseSatAmount(text: string): bigint {
  const [whole, fraction] = splitDecimal(text);
  if (/[1-9]/.test(fraction)) throw new BitcoinError('AMOUNT_TOO_PRECISE', 'An amount in sat has no decimals.');
  return checkRange(BigInt(whole));
}

function splitDecimal(text: string): [whole: string, fraction: string] {
  if (typeof text !== 'string') throw new TypeError('amount text must be a string');
  const trimmed = text.trim();
  if (trimmed.length > MAX_AMOUNT_CHARS) throw new BitcoinError('AMOUNT_INVALID', 'The amount has too many characters.');
  const negative = /^-\s*[0-9.]+$/.test(trimmed);
  const match = /^([0-9]+)(?:\.([0-9]+))?$/.exec(negative ? trimmed.replace(/^-\s*/, '') : trimmed);
  if (!match) throw new BitcoinError('AMOUNT_INVALID');
  if (negative) throw new BitcoinError('AMOUNT_NOT_POSITIVE');
  return [match[1]!, match[2] ?? ''];
}

function checkRange(sats: bigint): bigint {
  if (sats <= 0n) throw new BitcoinError('AMOUNT_NOT_POSITIVE');
  if (sats > MAX_MONEY_SATS) throw new BitcoinError('AMOUNT_TOO_LARGE');
  return sats;
}

/** `sats` as BTC digits without unit, trailing zeros trimmed: 150_000_000n → "1.5", 1n → "0.00000001". */
export function satsToBtcString(sats: bigint): string {
  if (typeof sats !== 'bigint') throw new TypeError('sats must be a bigint');
  const sign = sats < 0n ? '-' : '';
  const abs = sats < 0n ? -sats : sats;
  const whole = (abs / SATS_PER_BTC).toString();
  const fraction = (abs % SATS_PER_BTC).toString().padStart(BTC_DECIMALS, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/**
 * Exact display of an amount with its unit: formatSats(150_000_000n, 'BTC') → "1.5 BTC",
 * formatSats(1500n, 'sat') → "1500 sat". No grouping separators, so the digits parse back
 * with parseBtcAmount / parseSatAmount to the same value.
 */
export function formatSats(sats: bigint, unit: AmountUnit): string {
  if (typeof sats !== 'bigint') throw new TypeError('sats must be a bigint');
  if (unit === 'BTC') return `${satsToBtcString(sats)} BTC`;
  if (unit === 'sat') return `${sats.toString()} sat`;
  throw new TypeError(`unknown unit: ${String(unit)}`);
}

/** Bitcoin Core's dust threshold (sats) for an output paying to `script`; 0n for unspendable outputs. */
export function dustThresholdSats(script: Uint8Array): bigint {
  if (script[0] === OP_RETURN || script.length > MAX_SCRIPT_SIZE) return 0n;
  const outputBytes = BigInt(8 + compactSizeLength(script.length) + script.length);
  const spendBytes = isWitnessProgram(script) ? WITNESS_SPEND_VBYTES : LEGACY_SPEND_VBYTES;
  return (outputBytes + spendBytes) * DUST_RELAY_SATS_PER_VB;
}

/** True when an output of `valueSats` to `script` would be refused by relay policy as dust. */
export function isDust(script: Uint8Array, valueSats: bigint): boolean {
  return valueSats < dustThresholdSats(script);
}

/** BIP141 witness program: version opcode (OP_0, OP_1..OP_16) then one 2..40-byte push, nothing else. */
function isWitnessProgram(script: Uint8Array): boolean {
  const version = script[0];
  const isVersion = version === OP_0 || (version !== undefined && version >= OP_1 && version <= OP_16);
  return isVersion && script.length >= 4 && script.length <= 42 && script[1] === script.length - 2;
}

/** Bytes of a Bitcoin CompactSize length prefix. */
export function compactSizeLength(n: number): number {
  if (n < 0xfd) return 1;
  if (n <= 0xffff) return 3;
  if (n <= 0xffffffff) return 5;
  return 9;
}
