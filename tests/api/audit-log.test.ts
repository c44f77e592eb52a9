import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '@/db/schema';
import { expectApiError, TestApp, uniqueEmail, type Browser } from '../helpers/api';
import { createTestDb, type TestDb } from '../helpers/test-db';

let db: TestDb;
let app: TestApp;
let admin: Browser;
let orgId: string;

beforeAll(async () => {
  db = await createTestDb();
  app = new TestApp(db);
  admin = app.browser();
  const me = await admin.signup({ orgName: 'Audit Org', displayName: 'Ada', email: uniqueEmail('ada') });
  orgId = me!.orgId;
  // A few more events so the chain has a middle.
  for (const role of ['member', 'auditor', 'member'] as const) await admin.api.invites.create.mutate({ email: uniqueEmail('inv'), role });
});
afterAll(() => db?.close());

describe('audit log', () => {
  it('lists the organisation events newest first and pages backwards', async () => {
    const page1 = await admin.api.audit.list.query({ limit: 3 });
    expect(page1.entries.map((e) => e.seq)).toEqual([7, 6, 5]);
    expect(page1.entries[0]).toMatchObject({ type: 'invite.created', actorName: 'Ada' });
    const page2 = await admin.api.audit.list.query({ limit: 3, cursor: page1.nextBeforeSeq });
    expect(page2.entries.map((e) => e.seq)).toEqual([4, 3, 2]);
  });

  it('verifies an intact chain', async () => {
    const result = await admin.api.audit.verify.query();
    expect(result).toMatchObject({ ok: true, checked: 7 });
  });

  it('refuses UPDATE and DELETE at the database level', async () => {
    const refusal = (error: unknown) => /append-only/.test(String((error as { cause?: Error }).cause?.message ?? error));
    await expect(db.exec(`update audit_events set type = 'x' where org_id = '${orgId}' and seq = 2`)).rejects.toSatisfy(refusal);
    await expect(db.exec(`delete from audit_events where org_id = '${orgId}' and seq = 2`)).rejects.toSatisfy(refusal);
    expect(await admin.api.audit.verify.query()).toMatchObject({ ok: true, checked: 7 });
  });

  it('fails verification at the tampered row when a superuser bypasses the trigger', async () => {
    // A privileged attacker can disable triggers; the hash chain still exposes the edit.
    await db.exec(`alter table audit_events disable trigger audit_events_no_update_delete`);
    try {
      await db.exec(`update audit_events set payload = '{"email":"mallory@example.com","role":"admin"}' where org_id = '${orgId}' and seq = 5`);
    } finally {
      await db.exec(`alter table audit_events enable trigger audit_events_no_update_delete`);
    }
    const result = await admin.api.audit.verify.query();
    expect(result).toEqual({ ok: false, checked: 4, failedSeq: 5, reason: 'hash_mismatch' });
    const [row] = await db.db.select().from(auditEvents).where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.seq, 5)));
    expect(row!.payload).toMatchObject({ email: 'mallory@example.com' });
  });

  it('exports the chain in a form the pure verifier re-checks offline', async () => {
    const exported = await admin.api.audit.export.query();
    expect(exported.format).toBe('keystead-audit-v1');
    expect(exported.entries).toHaveLength(7);
    const { verifyAuditChain } = await import('@/lib/audit/chain');
    expect(verifyAuditChain(exported.entries as never)).toMatchObject({ ok: false, failedSeq: 5 });
  });

  it('is closed to members who are not admin or auditor', async () => {
    const invite = await admin.api.invites.create.mutate({ email: uniqueEmail('mem'), role: 'member' });
    const member = app.browser();
    await member.acceptInvite(invite.url, 'Plain Member');
    for (const call of [() => member.api.audit.list.query({}), () => member.api.audit.verify.query(), () => member.api.audit.export.query()]) {
      expect(await expectApiError(call)).toMatchObject({ code: 'FORBIDDEN', appCode: 'FORBIDDEN_ROLE' });
    }
  });
});
