/**
 * The coins to sweep, as pasted by the person: read exactly (bigint sats, never through a float)
 * and mapped to the wallet's addresses by a gap-limit scan of both branches.
 *
 * Accepted JSON (the shape is recognised per entry):
 * - a list of `{ txid, vout, value (sats) | amount (BTC), address?, scriptPubKey? }`;
 * - Bitcoin Core `listunspent` (a list with `amount` in BTC, `address`, `scriptPubKey`) or
 *   `scantxoutset` (`{ unspents: [...] }`, `scriptPubKey` and `amount`);
 * - Esplora `/address/:a/utxo` (a list with `value` in sats and no address): wrap it as
 *   `{ "<address>": [...] }`, or pass `address` in the options.
 */
import type { AddressBranch, DerivedAddress } from '@/lib/crypto/address';
import { MAX_MONEY_SATS, parseBtcAmount } from '@/lib/bitcoin/amount';
import { BitcoinError } from '@/lib/bitcoin/errors';
import type { KeycardData } from '@/lib/keycard/data';
import { scanAddresses, type ScanOptions } from './addresses';
import { RecoveryError } from './errors';

export interface PastedUtxo {
  readonly txid: string;
  readonly vout: number;
  readonly valueSats: bigint;
  readonly address?: string;
  /** Lowercase hex. */
  readonly scriptPubKey?: string;
}

export interface WalletUtxo {
  readonly txid: string;
  readonly vout: number;
  readonly valueSats: bigint;
  readonly branch: AddressBranch;
  readonly index: number;
  readonly address: DerivedAddress;
}

const MAX_INPUT_CHARS = 10_000_000;
const MAX_UTXOS = 5_000;

/** Numbers of these members are read as their exact source text (JSON.parse would round them). */
const EXACT_NUMBERS = /("(?:amount|value|vout)"\s*:\s*)(-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)/g;

export function parseUtxos(text: string, opts: { address?: string } = {}): PastedUtxo[] {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  if (text.length > MAX_INPUT_CHARS) throw new RecoveryError('UTXO_FORMAT', 'The coin list is too large.');
  let value: unknown;
  try {
    value = JSON.parse(text.replace(EXACT_NUMBERS, '$1"$2"'));
  } catch (cause) {
    throw new RecoveryError('UTXO_FORMAT', 'The coin list is not JSON.', { cause });
  }
  const entries: { entry: unknown; address?: string }[] = [];
  if (Array.isArray(value)) {
    for (const entry of value) entries.push({ entry, address: opts.address });
  } else if (isObject(value) && Array.isArray(value.unspents)) {
    for (const entry of value.unspents) entries.push({ entry });
  } else if (isObject(value) && Object.values(value).every(Array.isArray)) {
    for (const [address, list] of Object.entries(value)) for (const entry of list as unknown[]) entries.push({ entry, address });
  } else {
    throw new RecoveryError('UTXO_FORMAT', 'Expected a JSON list of coins, {"unspents": [...]}, or {"<address>": [...]}.');
  }
  if (entries.length > MAX_UTXOS) throw new RecoveryError('UTXO_FORMAT', `More than ${MAX_UTXOS} coins.`);
  return entries.map(({ entry, address }, i) => parseEntry(entry, address, i));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseEntry(entry: unknown, outerAddress: string | undefined, i: number): PastedUtxo {
  const where = `Coin ${i + 1}`;
  if (!isObject(entry)) throw new RecoveryError('UTXO_FORMAT', `${where} is not an object.`);
  const txid = typeof entry.txid === 'string' ? entry.txid.toLowerCase() : '';
  if (!/^[0-9a-f]{64}$/.test(txid)) throw new RecoveryError('UTXO_FORMAT', `${where}: txid must be 64 hex digits.`);
  const vout = typeof entry.vout === 'number' ? entry.vout : Number(typeof entry.vout === 'string' && /^[0-9]{1,10}$/.test(entry.vout) ? entry.vout : Number.NaN);
  if (!Number.isSafeInteger(vout) || vout > 0xffffffff) throw new RecoveryError('UTXO_FORMAT', `${where} (${txid}): vout must be a whole number.`);
  const id = `${txid}:${vout}`;
  const fromValue = entry.value === undefined ? undefined : satsOf(entry.value, id);
  const fromAmount = entry.amount === undefined ? undefined : btcOf(entry.amount, id);
  if (fromValue === undefined && fromAmount === undefined) throw new RecoveryError('UTXO_FORMAT', `${id} has neither value (sats) nor amount (BTC).`);
  if (fromValue !== undefined && fromAmount !== undefined && fromValue !== fromAmount) {
    throw new RecoveryError('UTXO_FORMAT', `${id}: value (${fromValue} sats) and amount (${fromAmount} sats) disagree.`);
  }
  const valueSats = (fromValue ?? fromAmount)!;
  const address = typeof entry.address === 'string' ? entry.address.trim() : outerAddress;
  let scriptPubKey: string | undefined;
  if (entry.scriptPubKey !== undefined) {
    const s = typeof entry.scriptPubKey === 'string' ? entry.scriptPubKey : isObject(entry.scriptPubKey) ? entry.scriptPubKey.hex : undefined;
    if (typeof s !== 'string' || !/^([0-9a-fA-F]{2}){1,10000}$/.test(s)) throw new RecoveryError('UTXO_FORMAT', `${id}: scriptPubKey must be hex.`);
    scriptPubKey = s.toLowerCase();
  }
  return Object.freeze({ txid, vout, valueSats, ...(address ? { address } : {}), ...(scriptPubKey ? { scriptPubKey } : {}) });
}

function satsOf(raw: unknown, id: string): bigint {
  const text = typeof raw === 'string' ? raw.trim() : Number.isSafeInteger(raw) ? String(raw) : '';
  if (!/^[0-9]{1,16}$/.test(text)) throw new RecoveryError('UTXO_FORMAT', `${id}: value must be a whole number of sats.`);
  const sats = BigInt(text);
  if (sats <= 0n || sats > MAX_MONEY_SATS) throw new RecoveryError('UTXO_FORMAT', `${id}: value out of range.`);
  return sats;
}

function btcOf(raw: unknown, id: string): bigint {
  const text = typeof raw === 'string' ? expandExponent(raw.trim()) : '';
  try {
    return parseBtcAmount(text);
  } catch (cause) {
    if (!(cause instanceof BitcoinError)) throw cause;
    throw new RecoveryError('UTXO_FORMAT', `${id}: amount ${JSON.stringify(raw)} is not a BTC amount.`, { cause });
  }
}

/** "1e-8" → "0.00000001", "1.5E+1" → "15", exactly (string arithmetic); other text unchanged. */
export function expandExponent(text: string): string {
  const match = /^([0-9]+)(?:\.([0-9]+))?[eE]([+-]?[0-9]{1,3})$/.exec(text);
  if (!match) return text;
  const digits = match[1]! + (match[2] ?? '');
  const point = match[1]!.length + Number(match[3]);
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * Maps each coin to the wallet's address it pays (branch/index), scanning both branches with the
 * gap limit (the coins' own addresses count as used) and at least up to `maxIndex`. Exact
 * duplicates are merged; any coin paying no address found is UTXO_UNKNOWN, listing them all.
 */
export function mapUtxos(card: KeycardData, utxos: readonly PastedUtxo[], opts: ScanOptions = {}): WalletUtxo[] {
  if (utxos.length === 0) throw new RecoveryError('NO_UTXOS');
  const unique = new Map<string, PastedUtxo>();
  for (const u of utxos) {
    const id = `${u.txid}:${u.vout}`;
    const seen = unique.get(id);
    if (seen && (seen.valueSats !== u.valueSats || (seen.address ?? u.address) !== (u.address ?? seen.address) || (seen.scriptPubKey ?? u.scriptPubKey) !== (u.scriptPubKey ?? seen.scriptPubKey))) {
      throw new RecoveryError('UTXO_DUPLICATE', `${id} is listed twice with different details.`, { items: [id] });
    }
    unique.set(id, { ...seen, ...u });
  }
  const wanted = new Set<string>();
  for (const u of unique.values()) {
    if (u.address) wanted.add(u.address);
    if (u.scriptPubKey) wanted.add(u.scriptPubKey);
  }
  const scan = scanAddresses(card, wanted, opts);
  const byAddress = new Map<string, DerivedAddress>();
  const byScript = new Map<string, DerivedAddress>();
  for (const a of [...scan.receive, ...scan.change]) {
    byAddress.set(a.address, a);
    byScript.set(a.scriptPubKey, a);
  }
  const unknown: string[] = [];
  const mapped: WalletUtxo[] = [];
  for (const u of unique.values()) {
    const byA = u.address === undefined ? undefined : byAddress.get(u.address) ?? byAddress.get(u.address.toLowerCase());
    const byS = u.scriptPubKey === undefined ? undefined : byScript.get(u.scriptPubKey);
    const address = byA ?? byS;
    const contradicts = byA !== undefined && u.scriptPubKey !== undefined && byA.scriptPubKey !== u.scriptPubKey;
    if (!address || contradicts || (byS === undefined && u.scriptPubKey !== undefined)) {
      unknown.push(`${u.txid}:${u.vout}${u.address ? ` (${u.address})` : u.scriptPubKey ? ` (script ${u.scriptPubKey})` : ' (no address or script given)'}`);
      continue;
    }
    mapped.push(Object.freeze({ txid: u.txid, vout: u.vout, valueSats: u.valueSats, branch: address.branch, index: address.index, address }));
  }
  if (unknown.length > 0) {
    const scanned = `receive 0..${scan.receive.length - 1}, change 0..${scan.change.length - 1}`;
    throw new RecoveryError('UTXO_UNKNOWN', `${unknown.length} coin(s) not found in the scanned addresses (${scanned}): ${unknown.join(', ')}.`, { items: unknown });
  }
  return mapped;
}
