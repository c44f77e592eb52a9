'use client';
/** Words and small helpers shared by the wallet controls and the approvals queue. */
import { useEffect, useState } from 'react';
import type { WalletRole } from '@/lib/roles';

export const GOVERNANCE_STATES = {
  pending_approval: { label: 'Awaiting approval', tone: 'warn' },
  applied: { label: 'Applied', tone: 'good' },
  rejected: { label: 'Rejected', tone: 'bad' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
  expired: { label: 'Expired', tone: 'neutral' },
} as const;

export const GOVERNANCE_KINDS = {
  policy_change: 'Policy change',
  whitelist_add: 'Whitelist addition',
  whitelist_remove: 'Whitelist removal',
  member_change: 'Member change',
} as const;

export const POLICY_VERSION_STATES = {
  proposed: { label: 'Proposed: awaiting approval', tone: 'warn' },
  active: { label: 'Active', tone: 'good' },
  superseded: { label: 'Superseded', tone: 'neutral' },
  rejected: { label: 'Not adopted', tone: 'neutral' },
} as const;

export const WALLET_ROLE_LABELS: Record<WalletRole, { label: string; description: string }> = {
  approver: { label: 'Approver', description: 'approves transfers and changes, and signs' },
  initiator: { label: 'Initiator', description: 'prepares transfers' },
  viewer: { label: 'Viewer', description: 'sees the wallet, cannot move funds' },
};

/** The current time, refreshed every `everyMs` (for countdowns). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/** "5 h 12 min", "3 days 4 h", "less than a minute". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return 'less than a minute';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return `${days} day${days === 1 ? '' : 's'}${hours ? ` ${hours} h` : ''}`;
  if (hours > 0) return `${hours} h${mins ? ` ${mins} min` : ''}`;
  return `${mins} min`;
}

/** "in 5 h 12 min" / "3 min ago". */
export function relative(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  return ms >= 0 ? `in ${formatDuration(ms)}` : `${formatDuration(ms)} ago`;
}
