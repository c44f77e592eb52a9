import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, memberships, organizations, passkeys, sessions, users } from '@/db/schema';
import { expectApiError, TestApp, uniqueEmail } from '../helpers/api';
import { createTestDb, type TestDb } from '../helpers/test-db';

let db: TestDb;
let app: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  app = new TestApp(db);
});
afterAll(() => db?.close());

const rows = async (table: Parameters<TestDb['db']['select']>[0] extends never ? never : any) => Number((await db.db.select({ n: count() }).from(table))[0]!.n);

describe('sign-up with a passkey', () => {
  it('creates the organisation, its first admin, a passkey and a session, and audits each', async () => {
    const alice = app.browser();
    const email = uniqueEmail('alice');
    const me = await alice.signup({ orgName: 'Acme Treasury', displayName: 'Alice Admin', email });
    expect(me).toMatchObject({ email, displayName: 'Alice Admin', orgName: 'Acme Treasury', role: 'admin' });
    expect(alice.cookie).toMatch(/^ks_session=[A-Za-z0-9_-]{43}$/);

    const [user] = await db.db.select().from(users).where(eq(users.email, email));
    const pk = await db.db.select().from(passkeys).where(eq(passkeys.userId, user!.id));
    expect(pk).toHaveLength(1);
    const events = await db.db.select().from(auditEvents).where(eq(auditEvents.orgId, me!.orgId));
    expect(events.map((e) => e.type)).toEqual(['org.created', 'member.joined', 'passkey.added', 'session.signed_in']);
  });

  it('stores only a hash of the session token', async () => {
    const bob = app.browser();
    await bob.signup({ orgName: 'Hash Check Ltd', displayName: 'Bob', email: uniqueEmail('bob') });
    const token = bob.cookie!.split('=')[1]!;
    const all = await db.db.select({ tokenHash: sessions.tokenHash }).from(sessions);
    expect(all.some((s) => s.tokenHash === token)).toBe(false);
    expect(all.every((s) => /^[0-9a-f]{64}$/.test(s.tokenHash))).toBe(true);
  });

  it('sets the session cookie httpOnly and SameSite=Strict', async () => {
    const b = app.browser();
    const { ceremonyId, options } = await b.api.auth.signupStart.mutate({ orgName: 'Cookie Co', displayName: 'Cleo', email: uniqueEmail('cleo') });
    const response = b.authenticator.create(options as never);
    const res = await app.raw('auth.signupFinish', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.config.APP_ORIGIN },
      body: JSON.stringify({ ceremonyId, response }),
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
  });

  it('refuses an email that already has an account, and writes nothing', async () => {
    const email = uniqueEmail('dup');
    await app.browser().signup({ orgName: 'First Org', displayName: 'First', email });
    const before = [await rows(organizations), await rows(users), await rows(memberships)];
    const err = await expectApiError(() => app.browser().signup({ orgName: 'Second Org', displayName: 'Second', email: email.toUpperCase() }));
    expect(err).toMatchObject({ code: 'CONFLICT', appCode: 'EMAIL_TAKEN' });
    expect([await rows(organizations), await rows(users), await rows(memberships)]).toEqual(before);
  });

  it('rejects a registration signed over another challenge, and a replayed ceremony', async () => {
    const b = app.browser();
    const first = await b.api.auth.signupStart.mutate({ orgName: 'Replay Org', displayName: 'R', email: uniqueEmail('r') });
    const forged = b.authenticator.create({ ...(first.options as never as { rp: { id: string }; user: { id: string } }), challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    const err = await expectApiError(() => b.api.auth.signupFinish.mutate({ ceremonyId: first.ceremonyId, response: forged }));
    expect(err.appCode).toBe('PASSKEY_VERIFICATION_FAILED');
    // The ceremony was consumed by the failed attempt: a genuine response cannot reuse it.
    const genuine = b.authenticator.create(first.options as never);
    const again = await expectApiError(() => b.api.auth.signupFinish.mutate({ ceremonyId: first.ceremonyId, response: genuine }));
    expect(again).toMatchObject({ code: 'BAD_REQUEST', appCode: 'CHALLENGE_EXPIRED' });
  });
});

describe('sign-in and sign-out', () => {
  it('signs out (session revoked server-side) and back in with the same passkey', async () => {
    const carol = app.browser();
    const email = uniqueEmail('carol');
    await carol.signup({ orgName: 'Carol Capital', displayName: 'Carol', email });
    const oldCookie = carol.cookie;
    await carol.api.auth.signout.mutate({});
    expect(carol.cookie).toBeNull();
    expect(await carol.api.auth.me.query()).toBeNull();

    // The old token is dead even if someone kept a copy of it.
    carol.cookie = oldCookie;
    expect(await carol.api.auth.me.query()).toBeNull();

    const me = await carol.signin();
    expect(me).toMatchObject({ email, role: 'admin' });
    const [pk] = await db.db.select().from(passkeys).innerJoin(users, eq(users.id, passkeys.userId)).where(eq(users.email, email));
    expect(pk!.passkeys.counter).toBe(1);
    expect(pk!.passkeys.lastUsedAt).not.toBeNull();
  });

  it('refuses a passkey it does not know, with a typed error', async () => {
    const stranger = app.browser();
    stranger.authenticator.create({ challenge: 'x', rp: { id: 'localhost' }, user: { id: 'AAAA' } });
    const err = await expectApiError(() => stranger.signin());
    expect(err).toMatchObject({ code: 'UNAUTHORIZED', appCode: 'UNKNOWN_PASSKEY' });
  });

  it('refuses an assertion whose signature does not verify', async () => {
    const dave = app.browser();
    await dave.signup({ orgName: 'Dave Digital', displayName: 'Dave', email: uniqueEmail('dave') });
    await dave.api.auth.signout.mutate({});
    const { ceremonyId, options } = await dave.api.auth.signinStart.mutate({});
    const response = dave.authenticator.get(options as never);
    const sig = response.response.signature;
    response.response.signature = sig.slice(0, 20) + (sig[20] === 'A' ? 'B' : 'A') + sig.slice(21);
    const err = await expectApiError(() => dave.api.auth.signinFinish.mutate({ ceremonyId, response }));
    expect(err.appCode).toBe('PASSKEY_VERIFICATION_FAILED');
    expect(await dave.api.auth.me.query()).toBeNull();
  });

  it('requires our Origin on every state-changing call', async () => {
    const eve = app.browser();
    eve.origin = 'https://evil.example';
    const err = await expectApiError(() => eve.api.auth.signinStart.mutate({}));
    expect(err).toMatchObject({ code: 'FORBIDDEN', appCode: 'ORIGIN_MISMATCH' });
    eve.origin = null;
    const none = await expectApiError(() => eve.api.auth.signinStart.mutate({}));
    expect(none.appCode).toBe('ORIGIN_MISMATCH');
  });
});
