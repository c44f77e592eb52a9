/**
 * Webhooks end to end: the transactional outbox (emitEvent), the admin API, and the delivery
 * worker POSTing to a real HTTP receiver on 127.0.0.1 (node:http; fetch is not mocked).
 * Signatures are verified here independently, with node:crypto, as a receiver would.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEvents, notifications, webhookDeliveries, webhooks } from '@/db/schema';
import { emitEvent, EVENT_TYPES } from '@/server/services/events';
import { checkWebhookUrl } from '@/server/services/webhooks';
import { runWebhookWorkerOnce, startWebhookWorker, webhookBackoffMs } from '@/server/jobs/webhook-worker';
import { expectApiError, TestApp, testConfig, uniqueEmail, type Browser } from '../helpers/api';
import { createTestDb, type TestDb } from '../helpers/test-db';

// ---------------------------------------------------------------------------------------------
// A real receiver: each test uses its own path and decides how that path answers.

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Reply = { status: number; body?: string; headers?: Record<string, string>; delayMs?: number };

class Receiver {
  readonly received: Received[] = [];
  readonly replies = new Map<string, (req: Received, nth: number) => Reply>();
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      this.received.push(r);
      const nth = this.at(r.path).length;
      const reply = this.replies.get(r.path)?.(r, nth) ?? { status: 200, body: 'ok' };
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }
  url(path: string) {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }
  at(path: string) {
    return this.received.filter((r) => r.path === path);
  }
  close() {
    this.server.closeAllConnections();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** What a receiver does with the Keystead-Signature header (docs/webhooks.md). */
function verifySignature(secret: string, header: string, rawBody: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

let db: TestDb;
let app: TestApp;
let admin: Browser;
let member: Browser;
let orgId: string;
let adminId: string;
let bAdmin: Browser;
const receiver = new Receiver();
let pathCounter = 0;
const newPath = (name: string) => `/hook/${name}/${++pathCounter}`;

beforeAll(async () => {
  await receiver.start();
  db = await createTestDb();
  app = new TestApp(db);
  admin = app.browser();
  const me = await admin.signup({ orgName: 'Hooks Org', displayName: 'Hook Admin', email: uniqueEmail('hooks-admin') });
  orgId = me!.orgId;
  adminId = me!.userId;
  const inv = await admin.api.invites.create.mutate({ email: uniqueEmail('hooks-member'), role: 'member' });
  member = app.browser();
  await member.acceptInvite(inv.url, 'Hook Member');
  bAdmin = app.browser();
  await bAdmin.signup({ orgName: 'Other Org', displayName: 'Other Admin', email: uniqueEmail('other-admin') });
});
// Each test starts with no live webhook, so one test's retries never reach another's receiver.
afterEach(() => db.exec('update webhooks set active = false'));
afterAll(async () => {
  await receiver.close();
  await db?.close();
});

async function createHook(events: (typeof EVENT_TYPES)[number][] = [], name = 'hook', who: Browser = admin) {
  const path = newPath(name);
  const created = await who.api.webhooks.create.mutate({ url: receiver.url(path), events });
  return { ...created, path };
}

async function emit(type: (typeof EVENT_TYPES)[number] = 'transfer.confirmed', payload: Record<string, string | number> = { transferId: crypto.randomUUID() }, now?: Date) {
  return db.db.transaction((tx) => emitEvent(tx, { orgId, type, payload }, now));
}

async function delivery(webhookId: string) {
  const rows = await db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId));
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

async function countRows(table: typeof notifications | typeof webhookDeliveries | typeof auditEvents) {
  return Number((await db.db.select({ n: count() }).from(table))[0]!.n);
}

const quiet = { log: () => undefined };

describe('the outbox', () => {
  it('is transactional: an event emitted in a rolled-back transaction leaves no notification and no delivery', async () => {
    await createHook();
    const before = { notifications: await countRows(notifications), deliveries: await countRows(webhookDeliveries) };
    await expect(
      db.db.transaction(async (tx) => {
        await emitEvent(tx, { orgId, type: 'transfer.approved', payload: { transferId: 'x' }, notify: { userIds: [adminId], title: 'Approved' } });
        // Inside the transaction, both rows exist...
        expect(Number((await tx.select({ n: count() }).from(webhookDeliveries))[0]!.n)).toBe(before.deliveries + 1);
        expect(Number((await tx.select({ n: count() }).from(notifications))[0]!.n)).toBe(before.notifications + 1);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    // ...and after the rollback neither does.
    expect({ notifications: await countRows(notifications), deliveries: await countRows(webhookDeliveries) }).toEqual(before);

    // The same call in a committed transaction leaves both.
    await db.db.transaction((tx) => emitEvent(tx, { orgId, type: 'transfer.approved', payload: { transferId: 'x' }, notify: { userIds: [adminId], title: 'Approved' } }));
    expect({ notifications: await countRows(notifications), deliveries: await countRows(webhookDeliveries) }).toEqual({
      notifications: before.notifications + 1,
      deliveries: before.deliveries + 1,
    });
  });

  it('refuses unknown event types and links that leave the app', async () => {
    await expect(db.db.transaction((tx) => emitEvent(tx, { orgId, type: 'transfer.exploded' as never, payload: {} }))).rejects.toThrow(/unknown event type/);
    for (const link of ['https://evil.example/', '//evil.example/x', 'javascript:alert(1)']) {
      await expect(db.db.transaction((tx) => emitEvent(tx, { orgId, type: 'test.ping', payload: {}, notify: { userIds: [adminId], title: 'x', link } }))).rejects.toThrow(/app path/);
    }
  });
});

describe('delivery', () => {
  it('POSTs the event with a signature the receiver can verify; a wrong secret or altered body does not verify', async () => {
    const hook = await createHook();
    const transferId = crypto.randomUUID();
    const eventId = await emit('transfer.broadcast', { transferId, amountSat: 12345 });
    const result = await runWebhookWorkerOnce(db.db, quiet);
    expect(result).toMatchObject({ claimed: 1, delivered: 1, retrying: 0, failed: 0 });

    const [req] = receiver.at(hook.path);
    expect(receiver.at(hook.path)).toHaveLength(1);
    expect(req!.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'Keystead-Webhooks/1', 'keystead-event-id': eventId });
    const body = JSON.parse(req!.body) as Record<string, unknown>;
    expect(body).toEqual({ id: eventId, type: 'transfer.broadcast', createdAt: expect.any(String), orgId, data: { transferId, amountSat: 12345 } });
    expect(Math.abs(Date.parse(body.createdAt as string) - Date.now())).toBeLessThan(60_000);

    const header = String(req!.headers['keystead-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const nowS = Math.floor(Date.now() / 1000);
    expect(verifySignature(hook.secret, header, req!.body, nowS)).toBe(true);
    expect(verifySignature(`${hook.secret}x`, header, req!.body, nowS)).toBe(false);
    expect(verifySignature('whsec_' + 'A'.repeat(43), header, req!.body, nowS)).toBe(false);
    expect(verifySignature(hook.secret, header, req!.body.replace('12345', '99999'), nowS)).toBe(false);
    // Outside the tolerance window (a replay an hour later) it is refused too.
    expect(verifySignature(hook.secret, header, req!.body, nowS + 3600)).toBe(false);

    expect(await delivery(hook.webhookId)).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 200, lastError: null });
    // Delivered once: another run sends nothing.
    expect(await runWebhookWorkerOnce(db.db, quiet)).toMatchObject({ claimed: 0 });
    expect(receiver.at(hook.path)).toHaveLength(1);
    // The delivery log shows it.
    const log = await admin.api.webhooks.deliveries.query({ webhookId: hook.webhookId, limit: 10 });
    expect(log).toEqual([expect.objectContaining({ eventId, eventType: 'transfer.broadcast', state: 'delivered', attempts: 1, lastStatus: 200 })]);
  });

  it('retries with exponential backoff: 500, 500, then 200 is delivered on attempt 3', async () => {
    const hook = await createHook();
    receiver.replies.set(hook.path, (_r, nth) => (nth <= 2 ? { status: 500, body: 'database\nis down' } : { status: 204 }));
    const t0 = new Date(Date.now() + 1000);
    const eventId = await emit('transfer.confirmed', { n: 1 }, t0);
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const run = (ms: number) => runWebhookWorkerOnce(db.db, { ...quiet, now: at(ms), random: () => 0.5 });

    expect(await run(0)).toMatchObject({ claimed: 1, retrying: 1 });
    let row = await delivery(hook.webhookId);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500: database is down' });
    expect(row.nextAttemptAt.getTime()).toBe(at(30_000).getTime());

    expect(await run(29_999)).toMatchObject({ claimed: 0 });
    expect(await run(30_000)).toMatchObject({ claimed: 1, retrying: 1 });
    row = await delivery(hook.webhookId);
    expect(row).toMatchObject({ attempts: 2, lastStatus: 500 });
    expect(row.nextAttemptAt.getTime()).toBe(at(30_000 + 60_000).getTime());

    expect(await run(89_999)).toMatchObject({ claimed: 0 });
    expect(await run(90_000)).toMatchObject({ claimed: 1, delivered: 1 });
    row = await delivery(hook.webhookId);
    expect(row).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 204, lastError: null });
    expect(row.deliveredAt!.getTime()).toBe(at(90_000).getTime());

    // Three requests, one event id; each signed at the time of its attempt.
    const reqs = receiver.at(hook.path);
    expect(reqs.map((r) => r.headers['keystead-event-id'])).toEqual([eventId, eventId, eventId]);
    expect(reqs.map((r) => /t=(\d+)/.exec(String(r.headers['keystead-signature']))![1])).toEqual(
      [0, 30_000, 90_000].map((ms) => String(Math.floor(at(ms).getTime() / 1000))),
    );
    for (const [i, r] of reqs.entries()) expect(verifySignature(hook.secret, String(r.headers['keystead-signature']), r.body, Math.floor(at([0, 30_000, 90_000][i]!).getTime() / 1000))).toBe(true);
  });

  it('the backoff doubles from 30 s, is capped at 6 h and jittered by ±10 %', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 10, 11, 12, 30].map((n) => webhookBackoffMs(n, mid))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 30_000 * 512, 6 * 3600_000, 6 * 3600_000, 6 * 3600_000,
    ]);
    expect(webhookBackoffMs(1, () => 0)).toBe(27_000);
    expect(webhookBackoffMs(1, () => 0.999_999)).toBe(33_000);
    for (let i = 0; i < 50; i++) {
      const d = webhookBackoffMs(3);
      expect(d).toBeGreaterThanOrEqual(108_000);
      expect(d).toBeLessThanOrEqual(132_000);
    }
  });

  it('gives up after 12 attempts (failed); redeliver puts it back to pending and it is delivered', async () => {
    const hook = await createHook();
    let healthy = false;
    receiver.replies.set(hook.path, () => (healthy ? { status: 200 } : { status: 503, body: 'maintenance' }));
    const t0 = new Date(Date.now() + 1000);
    await emit('transfer.failed', { n: 2 }, t0);
    const sevenHours = 7 * 3600_000;
    for (let i = 0; i < 12; i++) {
      const r = await runWebhookWorkerOnce(db.db, { ...quiet, now: new Date(t0.getTime() + i * sevenHours) });
      expect(r, `attempt ${i + 1}`).toMatchObject(i < 11 ? { claimed: 1, retrying: 1 } : { claimed: 1, failed: 1 });
    }
    expect(await delivery(hook.webhookId)).toMatchObject({ state: 'failed', attempts: 12, lastStatus: 503, lastError: 'HTTP 503: maintenance' });
    expect(await runWebhookWorkerOnce(db.db, { ...quiet, now: new Date(t0.getTime() + 100 * sevenHours) })).toMatchObject({ claimed: 0 });
    expect(receiver.at(hook.path)).toHaveLength(12);

    const [logged] = await admin.api.webhooks.deliveries.query({ webhookId: hook.webhookId, limit: 5 });
    expect(logged).toMatchObject({ state: 'failed', attempts: 12 });
    await admin.api.webhooks.redeliver.mutate({ deliveryId: logged!.id });
    expect(await delivery(hook.webhookId)).toMatchObject({ state: 'pending', attempts: 0, deliveredAt: null });
    const [audit] = (await admin.api.audit.list.query({ limit: 1 })).entries;
    expect(audit).toMatchObject({ type: 'webhook.redelivery_requested', payload: { deliveryId: logged!.id, previousState: 'failed' } });

    healthy = true;
    expect(await runWebhookWorkerOnce(db.db, quiet)).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await delivery(hook.webhookId)).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 200 });
  });

  it('does not follow redirects, and times out slow receivers', async () => {
    const hook = await createHook();
    const elsewhere = newPath('elsewhere');
    receiver.replies.set(hook.path, () => ({ status: 307, headers: { location: receiver.url(elsewhere) } }));
    await emit();
    expect(await runWebhookWorkerOnce(db.db, quiet)).toMatchObject({ retrying: 1 });
    expect(await delivery(hook.webhookId)).toMatchObject({ state: 'pending', lastStatus: 307, lastError: expect.stringContaining('redirects are not followed') });
    expect(receiver.at(elsewhere)).toHaveLength(0);

    await db.exec('update webhooks set active = false');
    const slow = await createHook([], 'slow');
    receiver.replies.set(slow.path, () => ({ status: 200, delayMs: 2000 }));
    await emit();
    expect(await runWebhookWorkerOnce(db.db, { ...quiet, timeoutMs: 200 })).toMatchObject({ claimed: 1, retrying: 1 });
    expect(await delivery(slow.webhookId)).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null, lastError: 'No response within 0.2 s' });

    await db.exec('update webhooks set active = false');
    const down = await admin.api.webhooks.create.mutate({ url: 'http://127.0.0.1:9/nothing-listens', events: [] });
    await emit();
    expect(await runWebhookWorkerOnce(db.db, quiet)).toMatchObject({ claimed: 1, retrying: 1 });
    expect((await delivery(down.webhookId)).lastError).toMatch(/^Request failed: /);
  });

  it(`two workers racing deliver each event exactly once (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite: serialised, run TEST_DATABASE_URL for the real race'})`, async () => {
    const hook = await createHook();
    // A slow receiver widens the window in which the second worker looks for due rows.
    receiver.replies.set(hook.path, () => ({ status: 200, delayMs: 30 }));
    const ids = new Set<string>();
    for (let i = 0; i < 30; i++) ids.add(await emit('transfer.confirmed', { i }));
    const drain = async () => {
      const totals = { claimed: 0, delivered: 0 };
      for (;;) {
        const r = await runWebhookWorkerOnce(db.db, { ...quiet, batchSize: 4 });
        if (r.claimed === 0) return totals;
        totals.claimed += r.claimed;
        totals.delivered += r.delivered;
      }
    };
    const workers = await Promise.all([drain(), drain(), drain()]);
    const received = receiver.at(hook.path).map((r) => String(r.headers['keystead-event-id']));
    expect(received).toHaveLength(30);
    expect(new Set(received)).toEqual(ids);
    // No row was claimed twice, and every claim was recorded by the worker that made it.
    expect(workers.reduce((n, w) => n + w.claimed, 0)).toBe(30);
    expect(workers.reduce((n, w) => n + w.delivered, 0)).toBe(30);
    const rows = await db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.webhookId));
    expect(rows.every((r) => r.state === 'delivered' && r.attempts === 1)).toBe(true);
  });
});

describe('concurrency with administration', () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)('an event emitted while its webhook is being removed waits, then neither fails nor queues for it (PostgreSQL)', async () => {
    const hook = await createHook();
    const { Client } = await import('pg');
    const remover = new Client({ connectionString: db.url });
    await remover.connect();
    try {
      // What removeWebhook does, held open mid-transaction.
      await remover.query('begin');
      await remover.query('select id from organizations where id = $1 for update', [orgId]);
      await remover.query('select id from webhooks where id = $1 for update', [hook.webhookId]);
      await remover.query('delete from webhook_deliveries where webhook_id = $1', [hook.webhookId]);
      await remover.query('delete from webhooks where id = $1', [hook.webhookId]);
      let settled = false;
      const emitting = emit().finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      await remover.query('commit');
      const eventId = await emitting;
      expect(await db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId))).toEqual([]);
    } finally {
      await remover.end();
    }
  });
});

describe('the background loop', () => {
  it('delivers queued events without being driven, and stops', async () => {
    const hook = await createHook();
    const eventId = await emit();
    const worker = startWebhookWorker({ getDb: async () => db.db, intervalMs: 500, log: () => undefined });
    try {
      await vi.waitFor(() => expect(receiver.at(hook.path)).toHaveLength(1), { timeout: 10_000, interval: 100 });
    } finally {
      worker.stop();
    }
    expect(receiver.at(hook.path)[0]!.headers['keystead-event-id']).toBe(eventId);
    await vi.waitFor(async () => expect((await delivery(hook.webhookId)).state).toBe('delivered'));
  });
});

describe('subscriptions', () => {
  it('delivers only subscribed types (empty = all) and nothing to inactive webhooks; test pings one webhook', async () => {
    const confirmedOnly = await createHook(['transfer.confirmed'], 'confirmed-only');
    const all = await createHook([], 'all');
    const off = await createHook([], 'off');
    await admin.api.webhooks.update.mutate({ webhookId: off.webhookId, active: false });

    await emit('transfer.broadcast');
    await emit('transfer.confirmed');
    await emit('governance.applied', {});
    const types = async (webhookId: string) =>
      (await db.db.select({ t: webhookDeliveries.eventType }).from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId))).map((r) => r.t).sort();
    expect(await types(confirmedOnly.webhookId)).toEqual(['transfer.confirmed']);
    expect(await types(all.webhookId)).toEqual(['governance.applied', 'transfer.broadcast', 'transfer.confirmed']);
    expect(await types(off.webhookId)).toEqual([]);

    // The Test button reaches exactly that webhook, whatever its filter.
    const ping = await admin.api.webhooks.test.mutate({ webhookId: confirmedOnly.webhookId });
    expect(await types(confirmedOnly.webhookId)).toEqual(['test.ping', 'transfer.confirmed']);
    expect(await types(all.webhookId)).toHaveLength(3);
    expect(await runWebhookWorkerOnce(db.db, quiet)).toMatchObject({ claimed: 5, delivered: 5 });
    const pinged = receiver.at(confirmedOnly.path).find((r) => r.headers['keystead-event-id'] === ping.eventId);
    expect(JSON.parse(pinged!.body)).toMatchObject({ type: 'test.ping', data: { webhookId: confirmedOnly.webhookId } });
    expect(receiver.at(off.path)).toHaveLength(0);
    expect((await expectApiError(() => admin.api.webhooks.test.mutate({ webhookId: off.webhookId }))).appCode).toBe('WEBHOOK_INACTIVE');

    // Changing the filter applies to later events.
    await admin.api.webhooks.update.mutate({ webhookId: confirmedOnly.webhookId, events: ['transfer.broadcast', 'transfer.broadcast'] });
    expect((await admin.api.webhooks.list.query()).find((w) => w.id === confirmedOnly.webhookId)!.events).toEqual(['transfer.broadcast']);
    await emit('transfer.broadcast');
    expect(await types(confirmedOnly.webhookId)).toEqual(['test.ping', 'transfer.broadcast', 'transfer.confirmed']);
  });

  it('a paused webhook keeps its queue and sends it when turned on again', async () => {
    const hook = await createHook();
    await emit();
    await admin.api.webhooks.update.mutate({ webhookId: hook.webhookId, active: false });
    expect(await runWebhookWorkerOnce(db.db, quiet)).toMatchObject({ claimed: 0 });
    expect((await expectApiError(async () => admin.api.webhooks.redeliver.mutate({ deliveryId: (await delivery(hook.webhookId)).id }))).appCode).toBe('WEBHOOK_INACTIVE');
    await admin.api.webhooks.update.mutate({ webhookId: hook.webhookId, active: true });
    expect(await runWebhookWorkerOnce(db.db, quiet)).toMatchObject({ claimed: 1, delivered: 1 });
    expect(receiver.at(hook.path)).toHaveLength(1);
  });
});

describe('the webhooks API', () => {
  it('returns the secret once, never lists it, and rotation replaces it', async () => {
    const hook = await createHook(['transfer.approved']);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const [row] = await db.db.select().from(webhooks).where(eq(webhooks.id, hook.webhookId));
    expect(row!.secret).toBe(hook.secret);
    const listed = await admin.api.webhooks.list.query();
    expect(listed.find((w) => w.id === hook.webhookId)).toMatchObject({ url: receiver.url(hook.path), events: ['transfer.approved'], active: true, createdByName: 'Hook Admin' });
    expect(JSON.stringify(listed)).not.toContain(hook.secret);
    expect(JSON.stringify(listed)).not.toContain('whsec_');

    const { secret } = await admin.api.webhooks.rotateSecret.mutate({ webhookId: hook.webhookId });
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(hook.secret);
    expect(JSON.stringify(await admin.api.webhooks.list.query())).not.toContain(secret);
    // Requests are signed with the new secret from now on.
    await emit('transfer.approved');
    await runWebhookWorkerOnce(db.db, quiet);
    const [req] = receiver.at(hook.path);
    const nowS = Math.floor(Date.now() / 1000);
    expect(verifySignature(secret, String(req!.headers['keystead-signature']), req!.body, nowS)).toBe(true);
    expect(verifySignature(hook.secret, String(req!.headers['keystead-signature']), req!.body, nowS)).toBe(false);
    // Neither secret nor the URL's path is in the audit log.
    const audit = JSON.stringify(await admin.api.audit.export.query());
    expect(audit).not.toContain('whsec_');
    expect(audit).not.toContain(hook.path);
  });

  it('audits every change, and remove deletes the webhook with its delivery log', async () => {
    const auditBefore = (await admin.api.audit.list.query({ limit: 1 })).entries[0]!.seq;
    const hook = await createHook();
    await admin.api.webhooks.update.mutate({ webhookId: hook.webhookId, events: ['transfer.created'], active: false });
    expect(await admin.api.webhooks.update.mutate({ webhookId: hook.webhookId, active: false })).toEqual({ changed: false });
    await admin.api.webhooks.update.mutate({ webhookId: hook.webhookId, active: true, url: receiver.url(`${hook.path}/v2`) });
    await admin.api.webhooks.rotateSecret.mutate({ webhookId: hook.webhookId });
    await admin.api.webhooks.test.mutate({ webhookId: hook.webhookId });
    await admin.api.webhooks.remove.mutate({ webhookId: hook.webhookId });

    const entries = (await admin.api.audit.list.query({ limit: 20 })).entries.filter((e) => e.seq > auditBefore).reverse();
    expect(entries.map((e) => e.type)).toEqual(['webhook.created', 'webhook.updated', 'webhook.updated', 'webhook.secret_rotated', 'webhook.test_sent', 'webhook.removed']);
    expect(entries[0]!.payload).toMatchObject({ webhookId: hook.webhookId, urlOrigin: new URL(receiver.url('/')).origin, urlSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(entries[1]!.payload).toMatchObject({ events: { from: [], to: ['transfer.created'] }, active: { from: true, to: false } });
    expect(entries[2]!.payload).toMatchObject({ active: { from: false, to: true }, url: { fromOrigin: expect.any(String), toOrigin: expect.any(String) } });
    expect(entries[5]!.payload).toMatchObject({ deliveriesDeleted: 1, pendingDropped: 1 });
    expect(await admin.api.audit.verify.query()).toMatchObject({ ok: true });

    expect((await admin.api.webhooks.list.query()).map((w) => w.id)).not.toContain(hook.webhookId);
    expect(await db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.webhookId))).toEqual([]);
    expect((await expectApiError(() => admin.api.webhooks.deliveries.query({ webhookId: hook.webhookId, limit: 5 }))).code).toBe('NOT_FOUND');
  });

  it('refuses unusable URLs with a typed error that says what to fix, and saves nothing', async () => {
    const auditBefore = await countRows(auditEvents);
    const hooksBefore = (await admin.api.webhooks.list.query()).length;
    const cases: [string, RegExp][] = [
      ['ftp://example.com/hook', /must start with https/],
      ['not a url', /full URL/],
      ['https://user:secret@example.com/hook', /user name and password/],
      ['http://example.com/hook', /only for localhost/],
      [`https://example.com/${'a'.repeat(2030)}`, /at most 2048/],
    ];
    for (const [url, message] of cases) {
      const err = await expectApiError(() => admin.api.webhooks.create.mutate({ url, events: [] }));
      expect(err, url).toMatchObject({ code: 'BAD_REQUEST', appCode: 'WEBHOOK_URL_INVALID' });
      expect(err.userMessage, url).toMatch(message);
    }
    const hook = await createHook();
    const err = await expectApiError(() => admin.api.webhooks.update.mutate({ webhookId: hook.webhookId, url: 'https://u:p@example.com/' }));
    expect(err.appCode).toBe('WEBHOOK_URL_INVALID');
    expect((await admin.api.webhooks.list.query()).find((w) => w.id === hook.webhookId)!.url).toBe(receiver.url(hook.path));
    expect(await countRows(auditEvents)).toBe(auditBefore + 1);
    expect((await admin.api.webhooks.list.query()).length).toBe(hooksBefore + 1);

    // Unknown event types are a validation error.
    expect((await expectApiError(() => admin.api.webhooks.create.mutate({ url: 'https://example.com/h', events: ['transfer.exploded' as never] }))).code).toBe('BAD_REQUEST');
    // https and local http are accepted in development and test.
    for (const url of ['https://example.com/hook', 'http://localhost:4000/h', 'http://127.0.0.1:4000/h', 'http://[::1]:4000/h']) {
      expect(checkWebhookUrl(url, { production: false, allowHttp: false }), url).toBe(new URL(url).href);
    }
  });

  it('in production requires https, unless WEBHOOKS_ALLOW_HTTP=true', async () => {
    const prod = new TestApp(db, testConfig({ NODE_ENV: 'production' }));
    const ops = prod.browser();
    await ops.signup({ orgName: 'Prod Org', displayName: 'Prod Admin', email: uniqueEmail('prod') });
    const err = await expectApiError(() => ops.api.webhooks.create.mutate({ url: receiver.url('/prod'), events: [] }));
    expect(err).toMatchObject({ appCode: 'WEBHOOK_URL_INVALID' });
    expect(err.userMessage).toMatch(/must use https:\/\/.*WEBHOOKS_ALLOW_HTTP/);
    expect(await ops.api.webhooks.create.mutate({ url: 'https://hooks.example.com/keystead', events: [] })).toMatchObject({ url: 'https://hooks.example.com/keystead' });
    vi.stubEnv('WEBHOOKS_ALLOW_HTTP', 'true');
    try {
      expect(await ops.api.webhooks.create.mutate({ url: 'http://10.0.0.5/keystead', events: [] })).toMatchObject({ url: 'http://10.0.0.5/keystead' });
    } finally {
      vi.unstubAllEnvs();
    }
    expect((await expectApiError(() => ops.api.webhooks.create.mutate({ url: 'http://10.0.0.5/keystead', events: [] }))).appCode).toBe('WEBHOOK_URL_INVALID');
  });

  it('another organisation’s webhooks and deliveries are NOT_FOUND and unchanged', async () => {
    const theirs = await createHook([], 'theirs', bAdmin);
    const bOrg = (await bAdmin.api.auth.me.query())!.orgId;
    await db.db.transaction((tx) => emitEvent(tx, { orgId: bOrg, type: 'transfer.confirmed', payload: {} }));
    const theirDelivery = await delivery(theirs.webhookId);
    const attempts: [string, () => Promise<unknown>][] = [
      ['update', () => admin.api.webhooks.update.mutate({ webhookId: theirs.webhookId, active: false })],
      ['remove', () => admin.api.webhooks.remove.mutate({ webhookId: theirs.webhookId })],
      ['rotateSecret', () => admin.api.webhooks.rotateSecret.mutate({ webhookId: theirs.webhookId })],
      ['deliveries', () => admin.api.webhooks.deliveries.query({ webhookId: theirs.webhookId, limit: 5 })],
      ['test', () => admin.api.webhooks.test.mutate({ webhookId: theirs.webhookId })],
      ['redeliver', () => admin.api.webhooks.redeliver.mutate({ deliveryId: theirDelivery.id })],
    ];
    for (const [name, call] of attempts) expect(await expectApiError(call), name).toMatchObject({ code: 'NOT_FOUND', appCode: 'NOT_FOUND' });
    const [row] = await db.db.select().from(webhooks).where(eq(webhooks.id, theirs.webhookId));
    expect(row).toMatchObject({ active: true, secret: theirs.secret, url: receiver.url(theirs.path) });
    expect(await db.db.select({ n: count() }).from(webhookDeliveries).where(and(eq(webhookDeliveries.webhookId, theirs.webhookId)))).toEqual([{ n: 1 }]);
    expect((await admin.api.webhooks.list.query()).map((w) => w.id)).not.toContain(theirs.webhookId);
    // Org A's events never reach org B's webhooks.
    await emit('transfer.confirmed');
    expect(await db.db.select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, theirs.webhookId))).toEqual([{ n: 1 }]);
  });

  it('is for admins only', async () => {
    expect(await expectApiError(() => member.api.webhooks.list.query())).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_ROLE' });
    expect(await expectApiError(() => member.api.webhooks.create.mutate({ url: receiver.url('/m'), events: [] }))).toMatchObject({ appCode: 'FORBIDDEN_ROLE' });
  });
});
