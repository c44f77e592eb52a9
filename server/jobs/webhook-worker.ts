/**
 * Webhook delivery worker. Each run:
 *  1. claims due deliveries (`state = 'pending' and next_attempt_at <= now`, webhook active) in a
 *     short transaction with FOR UPDATE SKIP LOCKED, counting the attempt and pushing
 *     next_attempt_at forward by a lease, so a second worker (another app instance) neither
 *     waits for nor re-claims them, and a crash mid-request retries after the lease;
 *  2. POSTs each one outside any transaction (signed, 10 s timeout, redirects not followed);
 *  3. records the outcome, guarded by the attempt number it claimed (a result that lost its
 *     lease, or a delivery an admin re-queued meanwhile, is not overwritten).
 * Delivery is at least once: receivers drop duplicates by event id. See docs/webhooks.md.
 */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { webhookDeliveries, webhooks } from '@/db/schema';
import { WEBHOOK_BACKOFF_BASE_MS, WEBHOOK_BACKOFF_CAP_MS, WEBHOOK_MAX_ATTEMPTS } from '@/lib/events';
import { signWebhookBody } from '../services/webhooks';

export const USER_AGENT = 'Keystead-Webhooks/1';
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Longer than the request timeout plus the time to read the status, so a live worker never loses its lease. */
export const DEFAULT_LEASE_MS = 60_000;
export const DEFAULT_BATCH = 20;
const MAX_ERROR = 500;
const MAX_SNIPPET = 300;

export interface WebhookWorkerOptions {
  fetch?: typeof fetch;
  /** The clock (a fixed instant, or a function read at each step). */
  now?: Date | (() => Date);
  /** Jitter source in [0, 1); 0.5 means no jitter. */
  random?: () => number;
  batchSize?: number;
  timeoutMs?: number;
  leaseMs?: number;
  log?: (msg: string) => void;
}

export interface WebhookWorkerResult {
  claimed: number;
  delivered: number;
  /** Failed this time, scheduled again. */
  retrying: number;
  /** Gave up (max attempts reached). */
  failed: number;
  /** Outcome not recorded: the lease was lost or an admin re-queued the delivery meanwhile. */
  superseded: number;
}

/** Delay after the n-th failed attempt: 30 s × 2^(n-1), capped at 6 h, ±10 % jitter. */
export function webhookBackoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(WEBHOOK_BACKOFF_CAP_MS, WEBHOOK_BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.9 + 0.2 * random()));
}

interface Claimed {
  id: string;
  eventId: string;
  eventType: string;
  payload: unknown;
  attempts: number;
  createdAt: Date;
  orgId: string;
  url: string;
  secret: string;
}

async function claim(db: Db, now: Date, limit: number, leaseMs: number): Promise<Claimed[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
      .where(and(eq(webhookDeliveries.state, 'pending'), lte(webhookDeliveries.nextAttemptAt, now), eq(webhooks.active, true)))
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(limit)
      .for('update', { of: webhookDeliveries, skipLocked: true });
    if (due.length === 0) return [];
    const leased = await tx
      .update(webhookDeliveries)
      .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + leaseMs) })
      .where(
        inArray(
          webhookDeliveries.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
    const hooks = await tx
      .select({ id: webhooks.id, orgId: webhooks.orgId, url: webhooks.url, secret: webhooks.secret })
      .from(webhooks)
      .where(inArray(webhooks.id, [...new Set(leased.map((d) => d.webhookId))]));
    const byId = new Map(hooks.map((h) => [h.id, h]));
    return leased.map((d) => {
      const hook = byId.get(d.webhookId)!;
      return { id: d.id, eventId: d.eventId, eventType: d.eventType, payload: d.payload, attempts: d.attempts, createdAt: d.createdAt, orgId: hook.orgId, url: hook.url, secret: hook.secret };
    });
  });
}

/** The exact bytes sent (and signed). */
export function webhookBody(d: { eventId: string; eventType: string; createdAt: Date; orgId: string; payload: unknown }): string {
  return JSON.stringify({ id: d.eventId, type: d.eventType, createdAt: d.createdAt.toISOString(), orgId: d.orgId, data: d.payload });
}

const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

/** The start of a response body, for the delivery log; never reads more than a few hundred bytes. */
async function snippet(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_SNIPPET) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // A body cut short is still a failed delivery; the status says enough.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return clean(new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_SNIPPET)));
}

type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

async function post(d: Claimed, opts: { fetch: typeof fetch; now: Date; timeoutMs: number }): Promise<Outcome> {
  const body = webhookBody(d);
  const t = Math.floor(opts.now.getTime() / 1000);
  try {
    const res = await opts.fetch(d.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': USER_AGENT,
        'Keystead-Event-Id': d.eventId,
        'Keystead-Signature': signWebhookBody(d.secret, t, body),
      },
      body,
      // A redirect is a failure: following it would send signed events to wherever the receiver points.
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: true, status: res.status };
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, status: res.status, error: `HTTP ${res.status}: redirects are not followed; use the final URL` };
    }
    const text = await snippet(res);
    return { ok: false, status: res.status, error: `HTTP ${res.status}${text ? `: ${text}` : ''}` };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { ok: false, status: null, error: `No response within ${opts.timeoutMs / 1000} s` };
    // undici reports "fetch failed" with the useful part (ECONNREFUSED, ENOTFOUND, TLS…) in the cause.
    const detail = e.cause?.code ?? e.cause?.message ?? e.message;
    return { ok: false, status: null, error: clean(`Request failed: ${detail}`) };
  }
}

const clock = (now: WebhookWorkerOptions['now']) => (now === undefined ? () => new Date() : typeof now === 'function' ? now : () => now);

export async function runWebhookWorkerOnce(db: Db, opts: WebhookWorkerOptions = {}): Promise<WebhookWorkerResult> {
  const now = clock(opts.now);
  const doFetch = opts.fetch ?? globalThis.fetch;
  const random = opts.random ?? Math.random;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const log = opts.log ?? ((msg: string) => console.warn(msg));
  const result: WebhookWorkerResult = { claimed: 0, delivered: 0, retrying: 0, failed: 0, superseded: 0 };

  const batch = await claim(db, now(), opts.batchSize ?? DEFAULT_BATCH, opts.leaseMs ?? DEFAULT_LEASE_MS);
  result.claimed = batch.length;

  await Promise.all(
    batch.map(async (d) => {
      const outcome = await post(d, { fetch: doFetch, now: now(), timeoutMs });
      const at = now();
      // Only the worker holding this attempt may record its outcome.
      const mine = and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.state, 'pending'), eq(webhookDeliveries.attempts, d.attempts));
      let set: Partial<typeof webhookDeliveries.$inferInsert>;
      let kind: 'delivered' | 'retrying' | 'failed';
      if (outcome.ok) {
        set = { state: 'delivered', deliveredAt: at, lastStatus: outcome.status, lastError: null };
        kind = 'delivered';
      } else if (d.attempts >= WEBHOOK_MAX_ATTEMPTS) {
        set = { state: 'failed', lastStatus: outcome.status, lastError: outcome.error.slice(0, MAX_ERROR) };
        kind = 'failed';
      } else {
        set = { lastStatus: outcome.status, lastError: outcome.error.slice(0, MAX_ERROR), nextAttemptAt: new Date(at.getTime() + webhookBackoffMs(d.attempts, random)) };
        kind = 'retrying';
      }
      const updated = await db.update(webhookDeliveries).set(set).where(mine).returning({ id: webhookDeliveries.id });
      if (updated.length === 0) {
        result.superseded += 1;
        return;
      }
      result[kind] += 1;
      // The URL may carry a credential of the receiver: log its host only, and never the secret.
      if (kind === 'failed') log(`[webhooks] delivery ${d.id} (${d.eventType}) to ${new URL(d.url).host} failed after ${d.attempts} attempts: ${set.lastError}`);
    }),
  );
  return result;
}

export interface WebhookWorker {
  stop(): void;
  runOnce(): Promise<WebhookWorkerResult>;
}

/** Runs every `intervalMs` (never overlapping); a full batch is followed at once by the next. */
export function startWebhookWorker(deps: { getDb: () => Promise<Db>; intervalMs: number; log?: (msg: string) => void }): WebhookWorker {
  const log = deps.log ?? ((msg: string) => console.warn(msg));
  let running = false;
  let stopped = false;
  let lastError = '';

  async function runOnce() {
    return runWebhookWorkerOnce(await deps.getDb(), { log });
  }

  const tick = async () => {
    if (stopped || running) return;
    running = true;
    try {
      for (;;) {
        const r = await runOnce();
        lastError = '';
        if (stopped || r.claimed < DEFAULT_BATCH) break;
      }
    } catch (error) {
      const message = `[webhooks] worker: ${(error as Error).message}`;
      if (message !== lastError) log(message);
      lastError = message;
    } finally {
      running = false;
    }
  };
  // A mistyped WEBHOOKS_WORKER_INTERVAL_MS must not become a busy loop.
  const intervalMs = Number.isFinite(deps.intervalMs) && deps.intervalMs >= 500 ? deps.intervalMs : 5_000;
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  void tick();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
    runOnce,
  };
}
