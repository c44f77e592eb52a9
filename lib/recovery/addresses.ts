/**
 * The wallet's addresses from the card (lib/crypto/address.ts: BIP32 `<branch>/<index>` from each
 * account xpub, BIP67 sorted 2-of-3 P2WSH), and gap-limit scanning (BIP44's "address gap limit":
 * stop a branch after `gap` unused addresses in a row).
 */
import { deriveAddresses, type AddressBranch, type DerivedAddress } from '@/lib/crypto/address';
import type { WalletOrigins } from '@/lib/crypto/descriptor';
import { parseKeyOrigin } from '@/lib/crypto/keys';
import type { KeycardData } from '@/lib/keycard/data';

export const DEFAULT_GAP = 20;
export const BRANCHES: readonly AddressBranch[] = [0, 1];
const BATCH = 50;

/** The card's three key origins in wallet order (user, backup, cosigner), as lib/crypto/psbt expects. */
export function cardOrigins(card: KeycardData): WalletOrigins {
  const { network } = card.wallet;
  return [parseKeyOrigin(card.keys.user, network), parseKeyOrigin(card.keys.backup, network), parseKeyOrigin(card.keys.cosigner, network)];
}

/** `count` addresses of `branch` (0 receive, 1 change) from `from`. */
export function cardAddresses(card: KeycardData, branch: AddressBranch, from: number, count: number): DerivedAddress[] {
  return deriveAddresses(cardOrigins(card), card.wallet.network, branch, from, count);
}

export interface ScanOptions {
  /** Unused addresses in a row that end a branch. Default 20. */
  gap?: number;
  /** Scan each branch at least up to this index (inclusive), whatever the gap. */
  maxIndex?: number;
}

export interface ScanResult {
  /** Every address looked at, per branch, in index order. */
  readonly receive: readonly DerivedAddress[];
  readonly change: readonly DerivedAddress[];
  /** Those found used. */
  readonly used: readonly DerivedAddress[];
}

/** Tells whether an address has history (a set of addresses or scripts, or a function). */
export type UsedTest = ReadonlySet<string> | ((address: DerivedAddress) => boolean);
export type AsyncUsedTest = UsedTest | ((address: DerivedAddress) => Promise<boolean>);

function checkOptions(opts: ScanOptions): { gap: number; maxIndex: number } {
  const gap = opts.gap ?? DEFAULT_GAP;
  const maxIndex = opts.maxIndex ?? -1;
  if (!Number.isSafeInteger(gap) || gap < 1 || gap > 10_000) throw new RangeError('gap must be 1..10000');
  if (!Number.isSafeInteger(maxIndex) || maxIndex < -1 || maxIndex >= 2 ** 31) throw new RangeError('maxIndex must be 0..2^31-1');
  return { gap, maxIndex };
}

function asPredicate(test: AsyncUsedTest): (a: DerivedAddress) => boolean | Promise<boolean> {
  if (typeof test === 'function') return test;
  return (a) => test.has(a.address) || test.has(a.scriptPubKey);
}

/** Gap-limit scan of both branches with a synchronous test. */
export function scanAddresses(card: KeycardData, used: UsedTest, opts: ScanOptions = {}): ScanResult {
  const test = asPredicate(used) as (a: DerivedAddress) => boolean;
  const { gap, maxIndex } = checkOptions(opts);
  const origins = cardOrigins(card);
  const out: DerivedAddress[][] = [];
  const found: DerivedAddress[] = [];
  for (const branch of BRANCHES) {
    const seen: DerivedAddress[] = [];
    let lastUsed = -1;
    for (let from = 0; from <= Math.max(lastUsed + gap, maxIndex); from += BATCH) {
      for (const address of deriveAddresses(origins, card.wallet.network, branch, from, BATCH)) {
        if (address.index > Math.max(lastUsed + gap, maxIndex)) break;
        seen.push(address);
        if (test(address)) {
          lastUsed = address.index;
          found.push(address);
        }
      }
    }
    out.push(seen);
  }
  return { receive: out[0]!, change: out[1]!, used: found };
}

/** The same scan with an asynchronous test (e.g. asking your own node or an explorer, one address at a time). */
export async function scanAddressesAsync(card: KeycardData, used: AsyncUsedTest, opts: ScanOptions = {}): Promise<ScanResult> {
  const test = asPredicate(used);
  const { gap, maxIndex } = checkOptions(opts);
  const origins = cardOrigins(card);
  const out: DerivedAddress[][] = [];
  const found: DerivedAddress[] = [];
  for (const branch of BRANCHES) {
    const seen: DerivedAddress[] = [];
    let lastUsed = -1;
    for (let from = 0; from <= Math.max(lastUsed + gap, maxIndex); from += BATCH) {
      for (const address of deriveAddresses(origins, card.wallet.network, branch, from, BATCH)) {
        if (address.index > Math.max(lastUsed + gap, maxIndex)) break;
        seen.push(address);
        if (await test(address)) {
          lastUsed = address.index;
          found.push(address);
        }
      }
    }
    out.push(seen);
  }
  return { receive: out[0]!, change: out[1]!, used: found };
}
