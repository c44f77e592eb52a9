/**
 * Appends to and reads the per-organisation hash-chained audit log. Appends take a row lock on
 * the organisation so concurrent writers cannot fork the chain (the (org, seq) unique index is
 * the backstop). Call `appendAudit` inside the same transaction as the change it records.
 */
import { and, asc, desc, eq, gt, lt } from 'drizzle-orm';
import { auditEvents, organizations, users } from '@/db/schema';
import type { Db, DbOrTx } from '@/db/client';
import { GENESIS_HASH, hashAuditEntry, verifyAuditChain, type AuditEntry, type ChainVerification } from '@/lib/audit/chain';
import type { JsonValue } from '@/lib/audit/canonical-json';

export interface AuditInput {
  orgId: string;
  actorUserId: string | null;
  type: string;
  payload?: { [key: string]: JsonValue };
}

export async function appendAudit(tx: DbOrTx, input: AuditInput, now = new Date()): Promise<AuditEntry> {
  await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, input.orgId)).for('update');
  const [last] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.orgId, input.orgId))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  const content = {
    orgId: input.orgId,
    seq: (last?.seq ?? 0) + 1,
    at: now.toISOString(),
    actorUserId: input.actorUserId,
    type: input.type,
    payload: input.payload ?? {},
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const entry: AuditEntry = { ...content, hash: hashAuditEntry(content) };
  await tx.insert(auditEvents).values({ ...entry, at: now });
  return entry;
}

function toEntry(row: typeof auditEvents.$inferSelect): AuditEntry {
  return {
    orgId: row.orgId,
    seq: row.seq,
    at: row.at.toISOString(),
    actorUserId: row.actorUserId,
    type: row.type,
    payload: row.payload as JsonValue,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

export async function listAudit(db: Db, orgId: string, opts: { limit: number; beforeSeq?: number | undefined }) {
  const rows = await db
    .select({ event: auditEvents, actorName: users.displayName })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorUserId))
    .where(and(eq(auditEvents.orgId, orgId), opts.beforeSeq ? lt(auditEvents.seq, opts.beforeSeq) : undefined))
    .orderBy(desc(auditEvents.seq))
    .limit(opts.limit);
  return rows.map((r) => ({ ...toEntry(r.event), actorName: r.actorName }));
}

const PAGE = 1000;

/** Every entry of the organisation, oldest first, read in pages. */
export async function exportAudit(db: Db, orgId: string): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), gt(auditEvents.seq, entries.at(-1)?.seq ?? 0)))
      .orderBy(asc(auditEvents.seq))
      .limit(PAGE);
    entries.push(...rows.map(toEntry));
    if (rows.length < PAGE) return entries;
  }
}

export async function verifyOrgAudit(db: Db, orgId: string): Promise<ChainVerification> {
  return verifyAuditChain(await exportAudit(db, orgId));
}
