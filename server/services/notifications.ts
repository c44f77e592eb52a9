/**
 * In-app notifications: rows written by `emitEvent` (server/services/events.ts), read by their
 * recipient only. Every query is scoped to the caller's own user id and organisation.
 */
import { and, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { notifications } from '@/db/schema';
import type { SessionInfo } from './sessions';

type Caller = Pick<SessionInfo, 'userId' | 'orgId'>;

const own = (caller: Caller) => and(eq(notifications.userId, caller.userId), eq(notifications.orgId, caller.orgId));

export async function listNotifications(db: Db, caller: Caller, opts: { limit: number; unreadOnly: boolean }) {
  return db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      title: notifications.title,
      body: notifications.body,
      link: notifications.link,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
    })
    .from(notifications)
    .where(and(own(caller), opts.unreadOnly ? isNull(notifications.readAt) : undefined))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(opts.limit);
}

export async function unreadCount(db: Db, caller: Caller): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(own(caller), isNull(notifications.readAt)));
  return Number(row?.n ?? 0);
}

/** Marks the caller's own notifications read; ids of anyone else's are ignored. Returns how many changed. */
export async function markRead(db: Db, caller: Caller, input: { ids: string[] } | { all: true }, now: Date = new Date()): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(own(caller), isNull(notifications.readAt), 'ids' in input ? inArray(notifications.id, input.ids) : undefined))
    .returning({ id: notifications.id });
  return rows.length;
}
