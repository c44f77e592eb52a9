/**
 * In-app notifications: written by emitEvent in the caller's transaction, read and marked read
 * by their recipient only.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '@/db/schema';
import { emitEvent, type EventNotify } from '@/server/services/events';
import { callByPath, expectApiError, TestApp, uniqueEmail, type Browser } from '../helpers/api';
import { createTestDb, type TestDb } from '../helpers/test-db';

let db: TestDb;
let app: TestApp;
let admin: Browser;
let member: Browser;
let outsider: Browser;
let orgId: string;
let adminId: string;
let memberId: string;
let outsiderId: string;

beforeAll(async () => {
  db = await createTestDb();
  app = new TestApp(db);
  admin = app.browser();
  const me = await admin.signup({ orgName: 'Bell Org', displayName: 'Bell Admin', email: uniqueEmail('bell-admin') });
  orgId = me!.orgId;
  adminId = me!.userId;
  const inv = await admin.api.invites.create.mutate({ email: uniqueEmail('bell-member'), role: 'member' });
  member = app.browser();
  memberId = (await member.acceptInvite(inv.url, 'Bell Member'))!.userId;
  outsider = app.browser();
  outsiderId = (await outsider.signup({ orgName: 'Elsewhere', displayName: 'Outsider', email: uniqueEmail('outsider') }))!.userId;
});
afterAll(() => db?.close());

/** One second apart, so "newest first" never depends on two rows sharing a millisecond. */
let clock = Date.now();
function notify(n: EventNotify, type: 'transfer.pending_approval' | 'transfer.confirmed' = 'transfer.pending_approval') {
  clock += 1000;
  return db.db.transaction((tx) => emitEvent(tx, { orgId, type, payload: {}, notify: n }, new Date(clock)));
}

describe('notifications', () => {
  it('go to the named active members of the event’s organisation only, once each', async () => {
    await notify({ userIds: [adminId, memberId, memberId, outsiderId, crypto.randomUUID()], title: 'Transfer awaits approval', body: '0.5 BTC to bc1q…', link: '/wallets/abc' });
    const [a] = await admin.api.notifications.list.query({ limit: 10 });
    expect(a).toMatchObject({ kind: 'transfer.pending_approval', title: 'Transfer awaits approval', body: '0.5 BTC to bc1q…', link: '/wallets/abc', readAt: null });
    expect(await member.api.notifications.list.query({ limit: 10 })).toHaveLength(1);
    // A user of another organisation named by mistake gets nothing.
    expect(await outsider.api.notifications.list.query({ limit: 10 })).toEqual([]);
    expect(await db.db.select().from(notifications).where(eq(notifications.userId, outsiderId))).toEqual([]);
    expect(await admin.api.notifications.unreadCount.query()).toEqual({ count: 1 });
  });

  it('are per user: lists and counts show only one’s own, and markRead cannot touch anyone else’s', async () => {
    await notify({ userIds: [adminId], title: 'For the admin only' });
    await notify({ userIds: [memberId], title: 'For the member only' });
    const adminList = await admin.api.notifications.list.query({ limit: 50 });
    const memberList = await member.api.notifications.list.query({ limit: 50 });
    expect(adminList.map((n) => n.title)).toContain('For the admin only');
    expect(adminList.map((n) => n.title)).not.toContain('For the member only');
    expect(memberList.map((n) => n.title)).not.toContain('For the admin only');
    const adminUnread = (await admin.api.notifications.unreadCount.query()).count;

    // The member tries to mark the admin's notifications read, by id and by "all".
    expect(await member.api.notifications.markRead.mutate({ ids: adminList.map((n) => n.id) })).toEqual({ updated: 0 });
    await member.api.notifications.markRead.mutate({ all: true });
    expect((await admin.api.notifications.unreadCount.query()).count).toBe(adminUnread);
    expect((await admin.api.notifications.list.query({ limit: 50 })).every((n) => n.readAt === null)).toBe(true);
    expect(await member.api.notifications.unreadCount.query()).toEqual({ count: 0 });
  });

  it('markRead by id and all; unreadOnly and limit filter the list, newest first', async () => {
    for (const title of ['one', 'two', 'three']) await notify({ userIds: [adminId], title }, 'transfer.confirmed');
    const total = (await admin.api.notifications.unreadCount.query()).count;
    const newest = await admin.api.notifications.list.query({ limit: 2 });
    expect(newest.map((n) => n.title)).toEqual(['three', 'two']);

    expect(await admin.api.notifications.markRead.mutate({ ids: [newest[0]!.id] })).toEqual({ updated: 1 });
    // Marking again changes nothing.
    expect(await admin.api.notifications.markRead.mutate({ ids: [newest[0]!.id] })).toEqual({ updated: 0 });
    expect((await admin.api.notifications.unreadCount.query()).count).toBe(total - 1);
    const unread = await admin.api.notifications.list.query({ limit: 50, unreadOnly: true });
    expect(unread.map((n) => n.title)).not.toContain('three');
    expect(unread).toHaveLength(total - 1);
    const [three] = await admin.api.notifications.list.query({ limit: 1 });
    expect(three!.readAt).not.toBeNull();

    expect(await admin.api.notifications.markRead.mutate({ all: true })).toEqual({ updated: total - 1 });
    expect(await admin.api.notifications.unreadCount.query()).toEqual({ count: 0 });
    expect(await admin.api.notifications.list.query({ limit: 50, unreadOnly: true })).toEqual([]);
    // The default input works too (the bell calls list with no arguments).
    expect((await admin.api.notifications.list.query()).length).toBeGreaterThan(0);
  });

  it('are not written when the announcing transaction rolls back', async () => {
    const before = (await member.api.notifications.unreadCount.query()).count;
    await expect(
      db.db.transaction(async (tx) => {
        await emitEvent(tx, { orgId, type: 'transfer.approved', payload: {}, notify: { userIds: [memberId], title: 'Approved' } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await member.api.notifications.unreadCount.query()).count).toBe(before);
  });

  it('validate their input and require a session', async () => {
    expect((await expectApiError(() => admin.api.notifications.markRead.mutate({} as never))).code).toBe('BAD_REQUEST');
    expect((await expectApiError(() => admin.api.notifications.markRead.mutate({ ids: [] }))).code).toBe('BAD_REQUEST');
    expect((await expectApiError(() => admin.api.notifications.markRead.mutate({ all: false } as never))).code).toBe('BAD_REQUEST');
    expect((await expectApiError(() => admin.api.notifications.list.query({ limit: 1000 }))).code).toBe('BAD_REQUEST');
    const anonymous = await callByPath(app, null, 'notifications.unreadCount', 'query', undefined);
    expect(anonymous.status).toBe(401);
  });
});
