import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, invites, memberships, passkeys, sessions, users } from '@/db/schema';
import { hashToken } from '@/server/auth/tokens';
import { expectApiError, TestApp, uniqueEmail, type Browser } from '../helpers/api';
import { createTestDb, type TestDb } from '../helpers/test-db';

let db: TestDb;
let app: TestApp;
let admin: Browser;

beforeAll(async () => {
  db = await createTestDb();
  app = new TestApp(db);
  admin = app.browser();
  await admin.signup({ orgName: 'Members Org', displayName: 'Admin One', email: uniqueEmail('admin') });
});
afterAll(() => db?.close());

async function snapshot() {
  const n = async (t: typeof users | typeof memberships | typeof passkeys | typeof sessions | typeof auditEvents) =>
    Number((await db.db.select({ n: count() }).from(t))[0]!.n);
  return { users: await n(users), memberships: await n(memberships), passkeys: await n(passkeys), sessions: await n(sessions), audit: await n(auditEvents) };
}

async function invite(role: 'admin' | 'member' | 'auditor' = 'member', email = uniqueEmail('m')) {
  return { email, ...(await admin.api.invites.create.mutate({ email, role })) };
}

describe('invites', () => {
  it('a new member joins through a single-use link with the invited role', async () => {
    const inv = await invite('auditor');
    expect(inv.url).toMatch(/^http:\/\/localhost:3000\/invite#[A-Za-z0-9_-]{43}$/);
    const token = new URL(inv.url).hash.slice(1);
    const [row] = await db.db.select().from(invites).where(eq(invites.id, inv.inviteId));
    expect(row!.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);

    const bob = app.browser();
    const looked = await bob.api.invites.lookup.query({ token });
    expect(looked).toMatchObject({ orgName: 'Members Org', email: inv.email, role: 'auditor', kind: 'join' });
    const me = await bob.acceptInvite(inv.url, 'Bob Auditor');
    expect(me).toMatchObject({ email: inv.email, role: 'auditor', orgName: 'Members Org' });
    const list = await admin.api.invites.list.query();
    expect(list.find((i) => i.id === inv.inviteId)).toBeUndefined();
  });

  it('a reused link gets INVITE_USED and changes nothing', async () => {
    const inv = await invite();
    await app.browser().acceptInvite(inv.url, 'First Taker');
    const before = await snapshot();
    const err = await expectApiError(() => app.browser().acceptInvite(inv.url, 'Second Taker'));
    expect(err).toMatchObject({ code: 'CONFLICT', appCode: 'INVITE_USED' });
    expect(await snapshot()).toEqual(before);
  });

  it('a ceremony started before the link was used cannot finish after it', async () => {
    const inv = await invite();
    const token = new URL(inv.url).hash.slice(1);
    const late = app.browser();
    const started = await late.api.invites.acceptStart.mutate({ token, displayName: 'Late' });
    await app.browser().acceptInvite(inv.url, 'Early');
    const before = await snapshot();
    const response = late.authenticator.create(started.options as never);
    const err = await expectApiError(() => late.api.invites.acceptFinish.mutate({ token, ceremonyId: started.ceremonyId, response }));
    expect(err.appCode).toBe('INVITE_USED');
    expect(await snapshot()).toEqual(before);
  });

  it('an expired link gets INVITE_EXPIRED and changes nothing', async () => {
    const inv = await invite();
    await db.db.update(invites).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invites.id, inv.inviteId));
    const before = await snapshot();
    const b = app.browser();
    const token = new URL(inv.url).hash.slice(1);
    expect(await expectApiError(() => b.api.invites.lookup.query({ token }))).toMatchObject({ code: 'BAD_REQUEST', appCode: 'INVITE_EXPIRED' });
    expect((await expectApiError(() => b.acceptInvite(inv.url, 'Too Late'))).appCode).toBe('INVITE_EXPIRED');
    expect(await snapshot()).toEqual(before);
  });

  it('a revoked link gets INVITE_REVOKED; an unknown one INVITE_NOT_FOUND', async () => {
    const inv = await invite();
    await admin.api.invites.revoke.mutate({ inviteId: inv.inviteId });
    const b = app.browser();
    expect((await expectApiError(() => b.acceptInvite(inv.url, 'Nope'))).appCode).toBe('INVITE_REVOKED');
    const unknown = await expectApiError(() => b.api.invites.lookup.query({ token: 'A'.repeat(43) }));
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', appCode: 'INVITE_NOT_FOUND' });
  });

  it('cannot invite an email that already has an account', async () => {
    const inv = await invite();
    await app.browser().acceptInvite(inv.url, 'Existing');
    expect((await expectApiError(() => admin.api.invites.create.mutate({ email: inv.email, role: 'member' }))).appCode).toBe('EMAIL_TAKEN');
  });
});

describe('roles and deactivation', () => {
  it('changes a role, audits from→to, and the member sees the new role', async () => {
    const inv = await invite('member');
    const carol = app.browser();
    const me = await carol.acceptInvite(inv.url, 'Carol');
    await admin.api.members.changeRole.mutate({ userId: me!.userId, role: 'auditor' });
    expect((await carol.api.auth.me.query())!.role).toBe('auditor');
    const [last] = (await admin.api.audit.list.query({ limit: 1 })).entries;
    expect(last).toMatchObject({ type: 'member.role_changed', payload: { userId: me!.userId, from: 'member', to: 'auditor' } });
  });

  it('never leaves the organisation without an active admin', async () => {
    const solo = app.browser();
    const me = await solo.signup({ orgName: 'Solo Org', displayName: 'Solo', email: uniqueEmail('solo') });
    const err = await expectApiError(() => solo.api.members.changeRole.mutate({ userId: me!.userId, role: 'member' }));
    expect(err).toMatchObject({ code: 'PRECONDITION_FAILED', appCode: 'LAST_ADMIN' });
    expect((await solo.api.auth.me.query())!.role).toBe('admin');
  });

  it('deactivation ends the member’s sessions and blocks sign-in; reactivation restores it', async () => {
    const inv = await invite('member');
    const dan = app.browser();
    const me = await dan.acceptInvite(inv.url, 'Dan');
    await admin.api.members.deactivate.mutate({ userId: me!.userId });
    expect(await dan.api.auth.me.query()).toBeNull();
    expect(await expectApiError(() => dan.signin())).toMatchObject({ code: 'FORBIDDEN', appCode: 'ACCOUNT_DEACTIVATED' });
    const types = (await admin.api.audit.list.query({ limit: 2 })).entries.map((e) => e.type);
    expect(types).toEqual(['session.signin_denied', 'member.deactivated']);
    await admin.api.members.reactivate.mutate({ userId: me!.userId });
    expect(await dan.signin()).toMatchObject({ userId: me!.userId });
  });

  it('an admin cannot deactivate or re-enrol themselves', async () => {
    const me = await admin.api.auth.me.query();
    expect((await expectApiError(() => admin.api.members.deactivate.mutate({ userId: me!.userId }))).appCode).toBe('CANNOT_TARGET_SELF');
    expect((await expectApiError(() => admin.api.invites.reenrol.mutate({ userId: me!.userId }))).appCode).toBe('CANNOT_TARGET_SELF');
  });
});

describe('passkeys and re-enrolment', () => {
  it('a member registers several passkeys, signs in with either, and cannot remove the last', async () => {
    const inv = await invite('member');
    const erin = app.browser();
    await erin.acceptInvite(inv.url, 'Erin');
    const { ceremonyId, options } = await erin.api.passkeys.addStart.mutate({});
    expect((options as { excludeCredentials: unknown[] }).excludeCredentials).toHaveLength(1);
    const response = erin.authenticator.create(options as never);
    await erin.api.passkeys.addFinish.mutate({ ceremonyId, response, name: 'Backup key' });
    const list = await erin.api.passkeys.list.query();
    expect(list.map((p) => p.name)).toEqual(['Passkey', 'Backup key']);

    await erin.api.auth.signout.mutate({});
    const start = await erin.api.auth.signinStart.mutate({});
    await erin.api.auth.signinFinish.mutate({ ceremonyId: start.ceremonyId, response: erin.authenticator.get(start.options as never, erin.authenticator.credentials[0]) });
    expect(await erin.api.auth.me.query()).not.toBeNull();

    await erin.api.passkeys.remove.mutate({ passkeyId: list[0]!.id });
    const err = await expectApiError(() => erin.api.passkeys.remove.mutate({ passkeyId: list[1]!.id }));
    expect(err).toMatchObject({ code: 'PRECONDITION_FAILED', appCode: 'LAST_PASSKEY' });
    // The removed passkey no longer signs in.
    await erin.api.auth.signout.mutate({});
    const s2 = await erin.api.auth.signinStart.mutate({});
    const stale = erin.authenticator.get(s2.options as never, erin.authenticator.credentials[0]);
    expect((await expectApiError(() => erin.api.auth.signinFinish.mutate({ ceremonyId: s2.ceremonyId, response: stale }))).appCode).toBe('UNKNOWN_PASSKEY');
  });

  it('a member who lost every passkey is re-enrolled by an admin invite, audited, old passkeys revoked', async () => {
    const inv = await invite('member');
    const frank = app.browser();
    const me = await frank.acceptInvite(inv.url, 'Frank');
    // Frank loses his device: a new browser with an empty authenticator.
    const link = await admin.api.invites.reenrol.mutate({ userId: me!.userId });
    const newDevice = app.browser();
    const looked = await newDevice.api.invites.lookup.query({ token: new URL(link.url).hash.slice(1) });
    expect(looked).toMatchObject({ kind: 'reenrol', email: inv.email, displayName: 'Frank' });
    const again = await newDevice.acceptInvite(link.url, 'ignored');
    expect(again).toMatchObject({ userId: me!.userId, displayName: 'Frank', role: 'member' });
    // The old device's session and passkey are dead.
    expect(await frank.api.auth.me.query()).toBeNull();
    expect((await expectApiError(() => frank.signin())).appCode).toBe('UNKNOWN_PASSKEY');
    const audit = (await admin.api.audit.list.query({ limit: 10 })).entries;
    expect(audit.find((e) => e.type === 'member.reenrolled')).toMatchObject({ payload: { userId: me!.userId, passkeysRevoked: 1, sessionsRevoked: 1 } });
    expect(audit.find((e) => e.type === 'member.reenrol_invited')).toBeDefined();
    expect(await admin.api.audit.verify.query()).toMatchObject({ ok: true });
  });
});
