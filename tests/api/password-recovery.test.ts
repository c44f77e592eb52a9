/**
 * Assisted password recovery (Box 4): other admins approve with passkeys, a waiting period runs
 * on the API's clock (moved forward here), any admin can veto until then, and the password is
 * revealed once, sealed to the requester's one-time browser key; never stored in clear.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptPasswordForRecovery } from '@/lib/crypto/recovery-box';
import { createRevealKeyPair, openFromServer } from '@/lib/crypto/reveal';
import { expectApiError, TestApp, testCoSigner, testConfig, uniqueEmail, type Browser } from '../helpers/api';
import { createTestDb, type TestDb } from '../helpers/test-db';
import { createActiveWallet } from '../helpers/wallet';

const PASSWORD = 'Granite-otter 93 lighthouse velvet!';
let db: TestDb;
let app: TestApp;
let ada: Browser;
let ben: Browser;
let cyd: Browser;
let mo: Browser;
let dee: Browser;
let walletId: string;
let box: { alg: 'RSA-OAEP'; hash: 'SHA-1' | 'SHA-256'; keyId: string; ct: string };

async function join(role: 'admin' | 'member', name: string) {
  const b = app.browser();
  const inv = await ada.api.invites.create.mutate({ email: uniqueEmail(name.toLowerCase()), role });
  await b.acceptInvite(inv.url, name);
  return b;
}

async function decide(who: Browser, requestId: string, decision: 'approve' | 'reject') {
  const { options } = await who.api.recovery.approvalOptions.query({ requestId, decision });
  const passkey = who.authenticator.get(options as never);
  return decision === 'approve' ? who.api.recovery.approve.mutate({ requestId, passkey }) : who.api.recovery.reject.mutate({ requestId, passkey });
}

beforeAll(async () => {
  db = await createTestDb();
  app = new TestApp(db);
  ada = app.browser();
  await ada.signup({ orgName: 'Recovery Org', displayName: 'Ada', email: uniqueEmail('ada') });
  ben = await join('admin', 'Ben');
  cyd = await join('admin', 'Cyd');
  mo = await join('member', 'Mo');
  dee = await join('admin', 'Dee');
  walletId = (await createActiveWallet(ada, 'Vault')).walletId;
  const key = await (await testCoSigner()).recoveryPublicKey();
  box = { ...(await encryptPasswordForRecovery(PASSWORD, key)) } as typeof box;
}, 60_000);

afterAll(async () => {
  await (await testCoSigner()).close();
  await db?.close();
});

describe('assisted password recovery', () => {
  it('needs two other admins, then the waiting period; reveals once, only to the requester’s browser key', async () => {
    expect((await expectApiError(() => mo.api.recovery.request.mutate({ walletId, box, reason: 'lost it' }))).appCode).toBe('FORBIDDEN_ROLE');
    const r = await ada.api.recovery.request.mutate({ walletId, box, reason: 'Treasurer left the company' });
    expect(r).toMatchObject({ state: 'pending_approval', quorum: 2 });
    expect((await expectApiError(() => decide(ada, r.id, 'approve'))).appCode).toBe('APPROVAL_NOT_ELIGIBLE');
    expect((await decide(ben, r.id, 'approve')).state).toBe('pending_approval');
    const keys = await createRevealKeyPair();
    expect((await expectApiError(() => ada.api.recovery.reveal.mutate({ requestId: r.id, publicKey: keys.publicKey }))).appCode).toBe('RECOVERY_STATE');

    const waiting = await decide(cyd, r.id, 'approve');
    expect(waiting.state).toBe('waiting');
    expect(new Date(waiting.availableAt!).getTime()).toBeGreaterThan(Date.now() + 47 * 3600_000);
    expect((await expectApiError(() => ada.api.recovery.reveal.mutate({ requestId: r.id, publicKey: keys.publicKey }))).appCode).toBe('RECOVERY_WAITING');
    expect((await expectApiError(() => ben.api.recovery.reveal.mutate({ requestId: r.id, publicKey: keys.publicKey }))).appCode).toBe('FORBIDDEN_ROLE');

    app.clockOffsetMs = 49 * 3600_000;
    try {
      const sealed = await ada.api.recovery.reveal.mutate({ requestId: r.id, publicKey: keys.publicKey });
      expect(new TextDecoder().decode(await openFromServer(sealed, keys.privateKey, r.id))).toBe(PASSWORD);
      // Another browser's key cannot open it; it is bound to this request.
      const other = await createRevealKeyPair();
      await expect(openFromServer(sealed, other.privateKey, r.id)).rejects.toThrow(/could not open/);
      await expect(openFromServer(sealed, keys.privateKey, 'another-request')).rejects.toThrow(/could not open/);
      expect((await expectApiError(() => ada.api.recovery.reveal.mutate({ requestId: r.id, publicKey: keys.publicKey }))).appCode).toBe('RECOVERY_STATE');
    } finally {
      app.clockOffsetMs = 0;
    }

    const trail = (await ada.api.audit.export.query()).entries.filter((e) => (e.payload as { requestId?: string }).requestId === r.id).map((e) => e.type);
    expect(trail).toEqual(['recovery.requested', 'recovery.approval_added', 'recovery.approval_added', 'recovery.waiting', 'recovery.revealed']);
    // The password is nowhere in the database (audit, notifications, webhooks, requests).
    const result = (await db.db.execute(sql`select to_jsonb(t) as j from audit_events t union all select to_jsonb(n) from notifications n union all select to_jsonb(p) from password_recoveries p`)) as unknown as { rows: unknown[] };
    const dump = JSON.stringify(result.rows);
    expect(dump).not.toContain(PASSWORD);
    expect(dump).toContain(box.ct); // the sealed box is kept, as on the card
  });

  it('any other admin who has not decided can veto, before the quorum or during the waiting period', async () => {
    const a = await ada.api.recovery.request.mutate({ walletId, box, reason: 'veto before' });
    expect((await decide(ben, a.id, 'reject')).state).toBe('rejected');
    const b = await ada.api.recovery.request.mutate({ walletId, box, reason: 'veto during wait' });
    await decide(ben, b.id, 'approve');
    expect((await decide(cyd, b.id, 'approve')).state).toBe('waiting');
    // Approvals cannot be flipped; an admin who has not decided (Dee) still can reject.
    expect((await expectApiError(() => decide(ben, b.id, 'reject'))).appCode).toBe('APPROVAL_INVALID');
    expect((await decide(dee, b.id, 'reject')).state).toBe('rejected');
    app.clockOffsetMs = 49 * 3600_000;
    try {
      const keys = await createRevealKeyPair();
      expect((await expectApiError(() => ada.api.recovery.reveal.mutate({ requestId: b.id, publicKey: keys.publicKey }))).appCode).toBe('RECOVERY_STATE');
    } finally {
      app.clockOffsetMs = 0;
    }
  });

  it('a box sealed to another key, a tampered box, or an unreachable quorum are refused up front', async () => {
    expect((await expectApiError(() => ada.api.recovery.request.mutate({ walletId, box: { ...box, keyId: 'someone-else' }, reason: 'x y z' }))).appCode).toBe('RECOVERY_INVALID');
    const strict = new TestApp(db, testConfig({ RECOVERY_QUORUM: '5' }));
    const again = strict.browser();
    again.cookie = ada.cookie;
    const err = await expectApiError(() => again.api.recovery.request.mutate({ walletId, box, reason: 'quorum too big' }));
    expect(err.appCode).toBe('POLICY_UNSATISFIABLE');
    expect(err.userMessage).toMatch(/needs 5 other admins/);
  });
});
