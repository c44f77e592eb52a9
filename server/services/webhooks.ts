/**
 * Webhook endpoints of an organisation and their delivery log (admin only; see
 * docs/webhooks.md). Deliveries are queued by `emitEvent` (server/services/events.ts) and sent
 * by server/jobs/webhook-worker.ts.
 *
 * Secrets: `whsec_` + 32 random bytes (base64url), generated here, returned once at creation
 * and on rotation. They are stored in clear in `webhooks.secret` because the worker needs them
 * to sign every request (HMAC needs the key, a hash would not do); they never leave the server
 * again, are never logged and never written to the audit log.
 *
 * Audit: webhook URLs often carry a credential of the receiving service in their path (chat
 * "incoming webhook" URLs do), and the audit log is readable by auditors. Entries therefore
 * record the URL's origin and a SHA-256 fingerprint of the whole URL, never the URL itself.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { and, count, desc, eq, max } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { organizations, users, webhookDeliveries, webhooks } from '@/db/schema';
import type { AppConfig } from '@/server/config';
import { AppError } from '@/lib/errors';
import { EVENT_TYPES, type EventType } from '@/lib/events';
import { appendAudit } from './audit';
import { enqueueDeliveries } from './events';
import type { SessionInfo } from './sessions';

// ---------------------------------------------------------------------------------------------
// Secrets and signatures

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** `Keystead-Signature` header value: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>`. */
export function signWebhookBody(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

// ---------------------------------------------------------------------------------------------
// URL policy

export interface WebhookUrlPolicy {
  /** https is required in production. */
  production: boolean;
  /** WEBHOOKS_ALLOW_HTTP=true: plain http to any host (e.g. a receiver on a private network). */
  allowHttp: boolean;
}

export const WEBHOOK_URL_MAX = 2048;

/**
 * WEBHOOKS_ALLOW_HTTP is read here rather than in server/config.ts, which this feature does not
 * own; it is a plain boolean switch, anything but `true` means off.
 */
export function webhookUrlPolicy(config: Pick<AppConfig, 'NODE_ENV'>, env: Record<string, string | undefined> = process.env): WebhookUrlPolicy {
  return { production: config.NODE_ENV === 'production', allowHttp: env.WEBHOOKS_ALLOW_HTTP === 'true' };
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function urlError(internal: string, userMessage: string): AppError {
  return new AppError('WEBHOOK_URL_INVALID', internal, { userMessage });
}

/** Returns the normalised URL, or throws WEBHOOK_URL_INVALID with a message saying what to fix. */
export function checkWebhookUrl(raw: string, policy: WebhookUrlPolicy): string {
  const input = raw.trim();
  if (input.length > WEBHOOK_URL_MAX) throw urlError(`url length ${input.length}`, `Webhook URLs can be at most ${WEBHOOK_URL_MAX} characters long. Use a shorter URL.`);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw urlError('unparsable url', 'Enter a full URL, starting with https:// (for example https://example.com/keystead-webhook).');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw urlError(`protocol ${url.protocol}`, 'Webhook URLs must start with https://.');
  if (url.username || url.password) {
    throw urlError('credentials in url', 'Remove the user name and password from the URL. Receivers authenticate Keystead by checking the signature header instead.');
  }
  if (url.protocol === 'http:' && !policy.allowHttp) {
    const local = LOCAL_HOSTS.has(url.hostname);
    if (policy.production || !local) {
      throw urlError(
        `http url (production=${policy.production}, host=${url.hostname})`,
        policy.production
          ? 'Webhook URLs must use https://. Change the URL to https://, or ask your operator to allow plain http (WEBHOOKS_ALLOW_HTTP).'
          : 'Webhook URLs must use https://. Plain http:// is accepted only for localhost while developing.',
      );
    }
  }
  if (url.href.length > WEBHOOK_URL_MAX) throw urlError(`normalised url length ${url.href.length}`, `Webhook URLs can be at most ${WEBHOOK_URL_MAX} characters long. Use a shorter URL.`);
  return url.href;
}

/** What the audit log records about a URL (see the header comment). */
function auditUrl(url: string) {
  return { urlOrigin: new URL(url).origin, urlSha256: createHash('sha256').update(url).digest('hex') };
}

/** Sorted, de-duplicated; all known types selected is stored as "all" (empty), so new types are included. */
function normaliseEvents(events: readonly EventType[]): EventType[] {
  const set = new Set(events);
  if (EVENT_TYPES.every((t) => t === 'test.ping' || set.has(t))) return [];
  return EVENT_TYPES.filter((t) => set.has(t));
}

// ---------------------------------------------------------------------------------------------
// Reads

export async function listWebhooks(db: Db, orgId: string) {
  const rows = await db
    .select({
      id: webhooks.id,
      url: webhooks.url,
      events: webhooks.events,
      active: webhooks.active,
      createdAt: webhooks.createdAt,
      createdByName: users.displayName,
    })
    .from(webhooks)
    .leftJoin(users, eq(users.id, webhooks.createdBy))
    .where(eq(webhooks.orgId, orgId))
    .orderBy(webhooks.createdAt);
  const stats = await db
    .select({ webhookId: webhookDeliveries.webhookId, state: webhookDeliveries.state, n: count(), lastDeliveredAt: max(webhookDeliveries.deliveredAt) })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(eq(webhooks.orgId, orgId))
    .groupBy(webhookDeliveries.webhookId, webhookDeliveries.state);
  return rows.map((w) => {
    const mine = stats.filter((s) => s.webhookId === w.id);
    const n = (state: string) => Number(mine.find((s) => s.state === state)?.n ?? 0);
    const last = mine.find((s) => s.state === 'delivered')?.lastDeliveredAt ?? null;
    return { ...w, createdByName: w.createdByName ?? null, pending: n('pending'), failed: n('failed'), delivered: n('delivered'), lastDeliveredAt: last };
  });
}

export async function listDeliveries(db: Db, orgId: string, input: { webhookId: string; limit: number }) {
  const [hook] = await db.select({ id: webhooks.id }).from(webhooks).where(and(eq(webhooks.id, input.webhookId), eq(webhooks.orgId, orgId)));
  if (!hook) throw new AppError('NOT_FOUND', `webhook ${input.webhookId} not in org ${orgId}`);
  return db
    .select({
      id: webhookDeliveries.id,
      eventId: webhookDeliveries.eventId,
      eventType: webhookDeliveries.eventType,
      state: webhookDeliveries.state,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastStatus: webhookDeliveries.lastStatus,
      lastError: webhookDeliveries.lastError,
      deliveredAt: webhookDeliveries.deliveredAt,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, input.webhookId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(input.limit);
}

// ---------------------------------------------------------------------------------------------
// Changes (each in one transaction with its audit entry)

/**
 * Lock order: the organisation row first (as appendAudit does), then the webhook. `emitEvent`
 * holds FOR KEY SHARE on the webhooks it queues for until its transaction ends, which only
 * `remove` (FOR UPDATE) waits for; taking the organisation lock first means a removal never
 * holds the webhook while waiting for an emitting transaction that holds the organisation.
 */
async function lockWebhook(tx: Tx, orgId: string, webhookId: string, strength: 'update' | 'no key update' = 'no key update') {
  await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId)).for('update');
  const [row] = await tx
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.id, webhookId), eq(webhooks.orgId, orgId)))
    .for(strength);
  // Another organisation's webhook is indistinguishable from a missing one.
  if (!row) throw new AppError('NOT_FOUND', `webhook ${webhookId} not in org ${orgId}`);
  return row;
}

export async function createWebhook(db: Db, actor: SessionInfo, input: { url: string; events: readonly EventType[] }, policy: WebhookUrlPolicy) {
  const url = checkWebhookUrl(input.url, policy);
  const events = normaliseEvents(input.events);
  const secret = generateWebhookSecret();
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(webhooks).values({ orgId: actor.orgId, url, secret, events, active: true, createdBy: actor.userId }).returning({ id: webhooks.id });
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'webhook.created', payload: { webhookId: row!.id, ...auditUrl(url), events } });
    return { webhookId: row!.id, url, events, secret };
  });
}

export async function updateWebhook(
  db: Db,
  actor: SessionInfo,
  input: { webhookId: string; url?: string | undefined; events?: readonly EventType[] | undefined; active?: boolean | undefined },
  policy: WebhookUrlPolicy,
) {
  const url = input.url === undefined ? undefined : checkWebhookUrl(input.url, policy);
  const events = input.events === undefined ? undefined : normaliseEvents(input.events);
  return db.transaction(async (tx) => {
    const current = await lockWebhook(tx, actor.orgId, input.webhookId);
    const set: Partial<typeof webhooks.$inferInsert> = {};
    const changes: Record<string, { [key: string]: string | boolean | string[] }> = {};
    if (url !== undefined && url !== current.url) {
      set.url = url;
      const from = auditUrl(current.url);
      const to = auditUrl(url);
      changes.url = { fromOrigin: from.urlOrigin, fromSha256: from.urlSha256, toOrigin: to.urlOrigin, toSha256: to.urlSha256 };
    }
    if (events !== undefined && events.join(',') !== current.events.join(',')) {
      set.events = events;
      changes.events = { from: current.events, to: events };
    }
    if (input.active !== undefined && input.active !== current.active) {
      set.active = input.active;
      changes.active = { from: current.active, to: input.active };
    }
    if (Object.keys(changes).length === 0) return { changed: false };
    await tx.update(webhooks).set(set).where(eq(webhooks.id, current.id));
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'webhook.updated', payload: { webhookId: current.id, ...changes } });
    return { changed: true };
  });
}

/** Deletes the webhook and its delivery log (the audit entry remains, with the counts). */
export async function removeWebhook(db: Db, actor: SessionInfo, webhookId: string) {
  await db.transaction(async (tx) => {
    const current = await lockWebhook(tx, actor.orgId, webhookId, 'update');
    const deleted = await tx.delete(webhookDeliveries).where(eq(webhookDeliveries.webhookId, current.id)).returning({ state: webhookDeliveries.state });
    await tx.delete(webhooks).where(eq(webhooks.id, current.id));
    await appendAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      type: 'webhook.removed',
      payload: { webhookId: current.id, ...auditUrl(current.url), deliveriesDeleted: deleted.length, pendingDropped: deleted.filter((d) => d.state === 'pending').length },
    });
  });
}

/** New secret, effective for every request signed from now on (retries of older events included). */
export async function rotateWebhookSecret(db: Db, actor: SessionInfo, webhookId: string) {
  const secret = generateWebhookSecret();
  await db.transaction(async (tx) => {
    const current = await lockWebhook(tx, actor.orgId, webhookId);
    await tx.update(webhooks).set({ secret }).where(eq(webhooks.id, current.id));
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'webhook.secret_rotated', payload: { webhookId: current.id } });
  });
  return { secret };
}

/**
 * Puts one delivery back in the queue with a fresh retry schedule (attempts reset), whatever its
 * state: a failed one after the receiver is fixed, or a delivered one the receiver lost.
 */
export async function redeliver(db: Db, actor: SessionInfo, deliveryId: string, now: Date = new Date()) {
  await db.transaction(async (tx) => {
    await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, actor.orgId)).for('update');
    const [row] = await tx
      .select({ delivery: webhookDeliveries, active: webhooks.active })
      .from(webhookDeliveries)
      .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhooks.orgId, actor.orgId)))
      .for('update', { of: webhookDeliveries });
    if (!row) throw new AppError('NOT_FOUND', `delivery ${deliveryId} not in org ${actor.orgId}`);
    if (!row.active) throw new AppError('WEBHOOK_INACTIVE', `webhook ${row.delivery.webhookId} is inactive`);
    await tx
      .update(webhookDeliveries)
      .set({ state: 'pending', attempts: 0, nextAttemptAt: now, deliveredAt: null })
      .where(eq(webhookDeliveries.id, deliveryId));
    await appendAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      type: 'webhook.redelivery_requested',
      payload: { webhookId: row.delivery.webhookId, deliveryId, eventId: row.delivery.eventId, eventType: row.delivery.eventType, previousState: row.delivery.state },
    });
  });
}

/** Queues a `test.ping` event for this webhook only, whatever its event filter. */
export async function sendTestPing(db: Db, actor: SessionInfo, webhookId: string, now: Date = new Date()) {
  return db.transaction(async (tx) => {
    const current = await lockWebhook(tx, actor.orgId, webhookId);
    if (!current.active) throw new AppError('WEBHOOK_INACTIVE', `webhook ${webhookId} is inactive`);
    const eventId = randomUUID();
    const [queued] = await enqueueDeliveries(
      tx,
      { eventId, type: 'test.ping', payload: { message: 'Test ping from Keystead', webhookId: current.id, requestedBy: actor.userId }, webhookIds: [current.id] },
      now,
    );
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'webhook.test_sent', payload: { webhookId: current.id, eventId } });
    return { eventId, deliveryId: queued!.deliveryId };
  });
}
