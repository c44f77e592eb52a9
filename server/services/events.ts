/**
 * Domain events, recorded through a transactional outbox. `emitEvent` runs inside the caller's
 * transaction, next to the state change it announces: it writes the in-app notifications of the
 * recipients and one pending `webhook_deliveries` row per subscribed, active webhook. If the
 * transaction rolls back, nothing was announced; if it commits, the webhook worker
 * (server/jobs/webhook-worker.ts) delivers every row at least once, however often the process
 * restarts in between.
 *
 * Locks: the subscribed webhook rows are held FOR KEY SHARE until the caller commits (webhook
 * removal waits; edits do not). Nothing else is locked, so emitEvent may be called before or
 * after appendAudit.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { memberships, notifications, webhookDeliveries, webhooks } from '@/db/schema';
import type { JsonValue } from '@/lib/audit/canonical-json';
import { EVENT_TYPES, isEventType, type EventType } from '@/lib/events';

export { EVENT_TYPES, isEventType, type EventType };

export type EventPayload = { [key: string]: JsonValue };

export interface EventNotify {
  /** Recipients. Only active members of the event's organisation receive anything; duplicates are dropped. */
  userIds: string[];
  title: string;
  body?: string;
  /** An in-app path such as `/wallets/<id>` (must start with a single `/`). */
  link?: string;
}

export interface EmitEventInput {
  orgId: string;
  type: EventType;
  payload: EventPayload;
  notify?: EventNotify;
}

const MAX_TITLE = 200;
const MAX_BODY = 2000;

/** In-app links only: an absolute or protocol-relative URL in a notification would be an open redirect. */
export function isAppPath(link: string): boolean {
  return link.startsWith('/') && !link.startsWith('//') && !link.startsWith('/\\') && !/[\u0000-\u001f\u007f]/.test(link) && link.length <= 500;
}

/**
 * Records an event in the caller's transaction and returns its id (a uuid, also sent to webhook
 * receivers as `id` and `Keystead-Event-Id`, so they can drop duplicates).
 */
export async function emitEvent(tx: DbOrTx, input: EmitEventInput, now: Date = new Date()): Promise<string> {
  // Programming errors, not user errors: refuse loudly rather than store something unusable.
  if (!isEventType(input.type)) throw new Error(`emitEvent: unknown event type ${String(input.type)}`);
  if (input.notify?.link !== undefined && !isAppPath(input.notify.link)) throw new Error(`emitEvent: notification link must be an app path, got ${input.notify.link}`);
  const eventId = randomUUID();

  const notify = input.notify;
  if (notify && notify.userIds.length > 0) {
    const recipients = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.orgId, input.orgId), eq(memberships.status, 'active'), inArray(memberships.userId, [...new Set(notify.userIds)])));
    if (recipients.length > 0) {
      await tx.insert(notifications).values(
        recipients.map((r) => ({
          orgId: input.orgId,
          userId: r.userId,
          kind: input.type,
          title: notify.title.slice(0, MAX_TITLE),
          body: (notify.body ?? '').slice(0, MAX_BODY),
          link: notify.link ?? null,
          createdAt: now,
        })),
      );
    }
  }

  const subscribed = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.orgId, input.orgId), eq(webhooks.active, true), sql`(cardinality(${webhooks.events}) = 0 or ${input.type} = any(${webhooks.events}))`))
    // Waits for a concurrent removal and then skips the removed webhook, instead of failing the
    // caller's transaction on the foreign key; keeps these webhooks from being deleted until commit.
    .for('key share');
  await enqueueDeliveries(tx, { eventId, type: input.type, payload: input.payload, webhookIds: subscribed.map((w) => w.id) }, now);
  return eventId;
}

/**
 * Queues one event for the given webhooks (no subscription filter: callers choose the webhooks).
 * Used by `emitEvent` and by the webhook Test button, which pings a single webhook.
 */
export async function enqueueDeliveries(
  tx: DbOrTx,
  input: { eventId: string; type: EventType; payload: EventPayload; webhookIds: string[] },
  now: Date = new Date(),
): Promise<{ deliveryId: string; webhookId: string }[]> {
  if (input.webhookIds.length === 0) return [];
  const rows = await tx
    .insert(webhookDeliveries)
    .values(
      input.webhookIds.map((webhookId) => ({
        webhookId,
        eventId: input.eventId,
        eventType: input.type,
        payload: input.payload,
        state: 'pending' as const,
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
      })),
    )
    .onConflictDoNothing()
    .returning({ deliveryId: webhookDeliveries.id, webhookId: webhookDeliveries.webhookId });
  return rows;
}
