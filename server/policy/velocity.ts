/**
 * Rolling-window totals of the wallet's history for the `velocity` condition.
 *
 * A window of H hours at `now` is the half-open interval (now − H, ∞): an entry exactly H hours old
 * is outside, one a millisecond younger is inside. Entries dated after `now` (clock skew) count
 * (more restrictive, never less). The request being evaluated is added by the caller, not here;
 * history entries carrying its `requestId` are skipped so it is never counted twice.
 *
 * Cost with an array: one backward pass over the history, O(n) with a plain numeric comparison per
 * entry (to check the sorted-by-time precondition) and bigint arithmetic only for entries inside the
 * widest window, shared by every velocity rule of the policy (one snapshot per distinct window). If
 * the history is not sorted, a sorted copy is made (O(n log n)) and the result is still exact.
 * With a HistoryIndex (built once, reused): O(log n) per distinct window.
 */
import type { HistoryEntry, Principal } from './types';

export interface WindowTotals {
  /** Entries of the wallet in the window. */
  walletCount: number;
  walletAmount: bigint;
  /** Entries of the request's initiator in the window. */
  initiatorCount: number;
  initiatorAmount: bigint;
}

const HOUR_MS = 3_600_000;

/** Window start (exclusive) in ms for a window of `hours` ending at `nowMs`. */
export function windowStartMs(nowMs: number, hours: number): number {
  return nowMs - hours * HOUR_MS;
}

/**
 * Totals for each requested window (hours → totals). `initiator` selects the entries of the
 * 'initiator' scope; `skipRequestId` drops the evaluated request if the caller left it in.
 */
export function windowTotals(
  history: readonly HistoryEntry[] | HistoryIndex,
  nowMs: number,
  windowHours: readonly number[],
  initiator: Principal,
  skipRequestId?: string,
): Map<number, WindowTotals> {
  if (history instanceof HistoryIndex) return history.totals(nowMs, windowHours, initiator, skipRequestId);
  const result = scan(history, nowMs, windowHours, initiator, skipRequestId);
  if (result) return result;
  const sorted = [...history].sort((a, b) => a.at.getTime() - b.at.getTime());
  return scan(sorted, nowMs, windowHours, initiator, skipRequestId)!;
}

/** null when the history turns out not to be sorted by time. */
function scan(
  history: readonly HistoryEntry[],
  nowMs: number,
  windowHours: readonly number[],
  initiator: Principal,
  skipRequestId: string | undefined,
): Map<number, WindowTotals> | null {
  // Narrowest window first = latest start first, since the pass goes backwards in time.
  const hours = [...new Set(windowHours)].sort((a, b) => a - b);
  const starts = hours.map((h) => windowStartMs(nowMs, h));
  const out = new Map<number, WindowTotals>();
  let walletCount = 0;
  let walletAmount = 0n;
  let initiatorCount = 0;
  let initiatorAmount = 0n;
  let j = 0;
  let nextStart = starts.length > 0 ? starts[0]! : Infinity;
  let prev = Infinity;
  const kind = initiator.kind;
  const id = initiator.id;
  const skip = skipRequestId !== undefined;
  let i = history.length - 1;
  for (; i >= 0 && j < hours.length; i--) {
    const e = history[i]!;
    const t = e.at.getTime();
    if (!(t <= prev)) return null; // also catches NaN (invalid Date)
    prev = t;
    while (t <= nextStart && j < hours.length) {
      out.set(hours[j]!, { walletCount, walletAmount, initiatorCount, initiatorAmount });
      j++;
      nextStart = j < starts.length ? starts[j]! : -Infinity;
    }
    if (j === hours.length) break;
    if (skip && e.requestId === skipRequestId) continue;
    walletCount++;
    walletAmount += e.amount;
    if (e.initiator.id === id && e.initiator.kind === kind) {
      initiatorCount++;
      initiatorAmount += e.amount;
    }
  }
  // Older than every window: only the order is checked.
  for (; i >= 0; i--) {
    const t = history[i]!.at.getTime();
    if (!(t <= prev)) return null;
    prev = t;
  }
  for (; j < hours.length; j++) out.set(hours[j]!, { walletCount, walletAmount, initiatorCount, initiatorAmount });
  return out;
}

/**
 * A history prepared once for many evaluations (e.g. kept per wallet by a caller that holds the
 * history in memory): prefix sums per wallet and per initiator, so each window costs two binary
 * searches instead of a pass over its entries. Pass it to evaluatePolicy in place of the array.
 * Immutable: build a new one when the history changes. Building is O(n) (+ O(n log n) if the
 * entries are not sorted); the totals are the same as windowTotals' on the same entries.
 */
export class HistoryIndex {
  readonly size: number;
  private readonly times: Float64Array;
  private readonly amounts: bigint[];
  private readonly keys: string[];
  /** cum[i] = sum of amounts[0..i-1] */
  private readonly cum: bigint[];
  private readonly byInitiator = new Map<string, { pos: number[]; cum: bigint[] }>();
  private readonly byRequestId = new Map<string, number[]>();

  constructor(entries: readonly HistoryEntry[]) {
    let sorted = true;
    for (let i = 1; i < entries.length && sorted; i++) sorted = entries[i - 1]!.at.getTime() <= entries[i]!.at.getTime();
    const list = sorted ? entries : [...entries].sort((a, b) => a.at.getTime() - b.at.getTime());
    const n = list.length;
    this.size = n;
    this.times = new Float64Array(n);
    this.amounts = new Array<bigint>(n);
    this.keys = new Array<string>(n);
    this.cum = new Array<bigint>(n + 1);
    this.cum[0] = 0n;
    for (let i = 0; i < n; i++) {
      const e = list[i]!;
      const t = e.at.getTime();
      if (!Number.isFinite(t)) throw new TypeError(`HistoryIndex: entry ${i} has an invalid date`);
      this.times[i] = t;
      this.amounts[i] = e.amount;
      this.cum[i + 1] = this.cum[i]! + e.amount;
      const key = `${e.initiator.kind}:${e.initiator.id}`;
      this.keys[i] = key;
      let per = this.byInitiator.get(key);
      if (!per) this.byInitiator.set(key, (per = { pos: [], cum: [0n] }));
      per.pos.push(i);
      per.cum.push(per.cum[per.cum.length - 1]! + e.amount);
      if (e.requestId !== undefined) {
        const at = this.byRequestId.get(e.requestId);
        if (at) at.push(i);
        else this.byRequestId.set(e.requestId, [i]);
      }
    }
  }

  /** Same contract as windowTotals. */
  totals(nowMs: number, windowHours: readonly number[], initiator: Principal, skipRequestId?: string): Map<number, WindowTotals> {
    const key = `${initiator.kind}:${initiator.id}`;
    const per = this.byInitiator.get(key);
    const skip = skipRequestId === undefined ? undefined : this.byRequestId.get(skipRequestId);
    const out = new Map<number, WindowTotals>();
    for (const h of windowHours) {
      if (out.has(h)) continue;
      const lo = firstAbove(this.times, windowStartMs(nowMs, h));
      let walletCount = this.size - lo;
      let walletAmount = this.cum[this.size]! - this.cum[lo]!;
      let initiatorCount = 0;
      let initiatorAmount = 0n;
      if (per) {
        const j = firstAtLeast(per.pos, lo);
        initiatorCount = per.pos.length - j;
        initiatorAmount = per.cum[per.pos.length]! - per.cum[j]!;
      }
      for (const i of skip ?? []) {
        if (i < lo) continue;
        walletCount--;
        walletAmount -= this.amounts[i]!;
        if (this.keys[i] === key) {
          initiatorCount--;
          initiatorAmount -= this.amounts[i]!;
        }
      }
      out.set(h, { walletCount, walletAmount, initiatorCount, initiatorAmount });
    }
    return out;
  }
}

/** Builds a HistoryIndex (see there). */
export function indexHistory(entries: readonly HistoryEntry[]): HistoryIndex {
  return new HistoryIndex(entries);
}

/** First index whose time is > t (times ascending). */
function firstAbove(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** First index whose value is ≥ v (values ascending). */
function firstAtLeast(values: readonly number[], v: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! >= v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The widest velocity window of the policy in hours (0 without velocity rules): the caller only needs
 * to load the history of the last this-many hours (every entry older than that is ignored).
 */
export function maxVelocityWindowHours(policy: { rules: readonly { when: { velocity?: { windowHours: number } } }[] }): number {
  return policy.rules.reduce((m, r) => Math.max(m, r.when.velocity?.windowHours ?? 0), 0);
}
