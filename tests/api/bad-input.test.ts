import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, invites, organizations, users, webauthnChallenges } from '@/db/schema';
import { expectApiError, ORIGIN, TestApp, testConfig, uniqueEmail, type Browser } from '../helpers/api';
import { createTestDb, type TestDb } from '../helpers/test-db';

let db: TestDb;
let app: TestApp;
let admin: Browser;

beforeAll(async () => {
  db = await createTestDb();
  app = new TestApp(db, testConfig({ MAX_BODY_BYTES: '4096' }));
  admin = app.browser();
  await admin.signup({ orgName: 'Input Org', displayName: 'Ivy', email: uniqueEmail('ivy') });
});
afterAll(() => db?.close());

async function counts() {
  const n = async (t: typeof organizations | typeof users | typeof invites | typeof auditEvents | typeof webauthnChallenges) =>
    Number((await db.db.select({ n: count() }).from(t))[0]!.n);
  return [await n(organizations), await n(users), await n(invites), await n(auditEvents), await n(webauthnChallenges)];
}

function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  return app.raw(path, { method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN, cookie: admin.cookie!, ...headers }, body });
}

describe('bad input gets a typed error and changes nothing', () => {
  it('malformed JSON → BAD_REQUEST / MALFORMED_REQUEST (400)', async () => {
    const before = await counts();
    const res = await post('invites.create', '{"email": "x@example.com", role: ');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { data: { code: string; appCode: string } } };
    expect(body.error.data).toMatchObject({ code: 'BAD_REQUEST', appCode: 'MALFORMED_REQUEST' });
    expect(await counts()).toEqual(before);
  });

  it('an oversized body → PAYLOAD_TOO_LARGE (413), declared or streamed', async () => {
    const before = await counts();
    const big = JSON.stringify({ email: 'x@example.com', role: 'member', pad: 'x'.repeat(10_000) });
    const declared = await post('invites.create', big);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { data: { appCode: string } } }).error.data.appCode).toBe('PAYLOAD_TOO_LARGE');
    // Chunked, with no Content-Length: the limit applies while reading.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1000)));
        controller.close();
      },
    });
    const chunked = await app.raw('invites.create', { method: 'POST', headers: { origin: ORIGIN, cookie: admin.cookie! }, body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it('wrong types → BAD_REQUEST with field-by-field messages', async () => {
    const before = await counts();
    const err = await expectApiError(() => admin.api.invites.create.mutate({ email: 42 as never, role: 'overlord' as never }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(Object.keys(err.zodError!.fieldErrors).sort()).toEqual(['email', 'role']);
    expect(err.userMessage).toMatch(/invalid/i);
    const bad = await expectApiError(() => admin.api.invites.create.mutate({ email: 'not-an-email', role: 'member' }));
    expect(bad.zodError!.fieldErrors.email).toEqual(['Enter a valid email address']);
    expect(await counts()).toEqual(before);
  });

  it('over-long and control-character strings are refused before any write', async () => {
    const before = await counts();
    const err = await expectApiError(() => app.browser().api.auth.signupStart.mutate({ orgName: 'x'.repeat(500), displayName: 'Bad\u0000Name', email: uniqueEmail() }));
    expect(Object.keys(err.zodError!.fieldErrors).sort()).toEqual(['displayName', 'orgName']);
    expect(await counts()).toEqual(before);
  });

  it('a WebAuthn response of the wrong shape is refused by the schema, not the verifier', async () => {
    const before = await counts();
    const err = await expectApiError(() =>
      app.browser().api.auth.signinFinish.mutate({ ceremonyId: crypto.randomUUID(), response: { id: 'abc', rawId: 'abc', type: 'public-key', response: { clientDataJSON: '!!', authenticatorData: '', signature: 'x' } } as never }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(Object.keys(err.zodError!.fieldErrors)).toEqual(expect.arrayContaining(['response.response.clientDataJSON', 'response.response.authenticatorData']));
    expect(await counts()).toEqual(before);
  });

  it('an unknown procedure → NOT_FOUND; a query sent as a mutation → METHOD_NOT_SUPPORTED', async () => {
    const unknown = await post('wallets.drain', '{}');
    expect(unknown.status).toBe(404);
    const wrongMethod = await post('members.list', '{}');
    expect(wrongMethod.status).toBe(405);
  });

  it('errors never leak internals', async () => {
    const res = await post('invites.create', '{"email": "x@example.com", role: ');
    const text = await res.text();
    expect(text).not.toMatch(/stack|node_modules|at .*\.ts:/);
  });
});
