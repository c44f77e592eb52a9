/**
 * Event vocabulary shared by server and UI (webhook subscriptions, notification kinds). Plain
 * constants on purpose: the browser bundle imports this file and zod must stay out of it.
 * The server-side outbox that emits these lives in server/services/events.ts.
 */
export const EVENT_TYPES = [
  'transfer.created',
  'transfer.pending_approval',
  'transfer.approval_added',
  'transfer.approved',
  'transfer.rejected',
  'transfer.cancelled',
  'transfer.expired',
  'transfer.signing',
  'transfer.cosigned',
  'transfer.broadcast',
  'transfer.confirmed',
  'transfer.failed',
  'transfer.replaced',
  'governance.pending_approval',
  'governance.applied',
  'governance.rejected',
  'wallet.member_changed',
  'policy.activated',
  'recovery.requested',
  'recovery.approved',
  'recovery.rejected',
  'recovery.revealed',
  'test.ping',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/** Short descriptions for the webhook subscription form. */
export const EVENT_TYPE_LABELS: Record<EventType, string> = {
  'transfer.created': 'A transfer was requested',
  'transfer.pending_approval': 'A transfer awaits approval',
  'transfer.approval_added': 'An approver approved a transfer',
  'transfer.approved': 'A transfer reached its approval threshold',
  'transfer.rejected': 'A transfer was rejected',
  'transfer.cancelled': 'A transfer was cancelled',
  'transfer.expired': 'A transfer expired before approval',
  'transfer.signing': 'A transfer is being signed',
  'transfer.cosigned': 'The co-signer signed a transfer',
  'transfer.broadcast': 'A transfer was broadcast',
  'transfer.confirmed': 'A transfer confirmed on chain',
  'transfer.failed': 'A transfer failed',
  'transfer.replaced': 'A transfer was replaced by a fee bump',
  'governance.pending_approval': 'A governance change awaits approval',
  'governance.applied': 'A governance change was applied',
  'governance.rejected': 'A governance change was rejected',
  'wallet.member_changed': 'Wallet members or roles changed',
  'policy.activated': 'A wallet policy was activated',
  'recovery.requested': 'An admin asked to recover a wallet password',
  'recovery.approved': 'A password recovery was approved (waiting period started)',
  'recovery.rejected': 'A password recovery was rejected',
  'recovery.revealed': 'A recovered password was revealed to its requester',
  'test.ping': 'Test ping (sent by the Test button)',
};

/** Webhook retry schedule, shared by the worker and the settings page's explanation. */
export const WEBHOOK_MAX_ATTEMPTS = 12;
export const WEBHOOK_BACKOFF_BASE_MS = 30_000;
export const WEBHOOK_BACKOFF_CAP_MS = 6 * 60 * 60 * 1000;
