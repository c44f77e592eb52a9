/**
 * Rolling-window totals of the wallet's history for the `velocity` condition.
 *
 * A window of H hours at `now` is the half-open interval (now − H, ∞): an entry exactly H hours old
 * is outside, one a millisecond younger is inside. Entries dated after `now` (clock skew) count
 * (more restrictive, never less). The request being evaluated is added by the caller, not here;
 * history entries carrying its `requestId` are skipped so it is never counted twice.
 *
 * Cost: one backward pass over the history, O(n) with a plain numeric comparison per entry (to check
 * the sorted-by-time precondition) and bigint arithmetic only for entries inside the widest window,
 * shared by every velocity rule of the policy (one snapshot per distinct window). If the history is
 * not sorted, a sorted copy is made (O(n log n)) and the result is still exact.
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
  history: readonly HistoryEntry[],
  nowMs: number,
  windowHours: readonly number[],
  initiator: Principal,
  skipRequestId?: string,
): Map<number, WindowTotals> {
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
 * The widest velocity window of the policy in hours (0 without velocity rules): the caller only needs
 * to load the history of the last this-many hours (every entry older than that is ignored).
 */
export function maxVelocityWindowHours(policy: { rules: readonly { when: { velocity?: { windowHours: number } } }[] }): number {
  return policy.rules.reduce((m, r) => Math.max(m, r.when.velocity?.windowHours ?? 0), 0);
}
