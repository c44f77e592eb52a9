/**
 * Wallet creation through the real API with a real SoftHSM2 co-signer. The "browser" half runs
 * lib/crypto in Node, exactly as the wizard does in Chromium.
 */
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, cosignerKeys, walletAddresses, walletKeys, walletMembers, wallets } from '@/db/schema';
import { deriveAddress, encryptKey, encryptPasswordForRecovery, generateWalletKey, parseKeyOrigin, walletDescriptor } from '@/lib/crypto';
import { expectApiError, TestApp, testCoSigner, uniqueEmail, type Browser } from '../helpers/api';
import { createTestDb, type TestDb } from '../helpers/test-db';

const PASSWORD = 'Velvet-orbit 47 harbour lantern!';
let db: TestDb;
let app: TestApp;
let admin: Browser;

beforeAll(async () => {
  db = await createTestDb();
  app = new TestApp(db);
  admin = app.browser();
  await admin.signup({ orgName: 'Wallet Org', displayName: 'Wendy', email: uniqueEmail('wendy') });
});
afterAll(async () => {
  await (await testCoSigner()).close();
  await db?.close();
});

/** What the browser computes between createStart and createFinish. */
async function browserCeremony(start: Awaited<ReturnType<Browser['api']['wallets']['createStart']['mutate']>>) {
  const user = generateWalletKey(start.network);
  const backup = generateWalletKey(start.network);
  const enc = new TextEncoder();
  const fast = { kdf: 'pbkdf2-sha256' as const };
  const box1 = await encryptKey(enc.encode(user.masterXprv), PASSWORD, { walletId: start.walletId, keyRole: 'user' }, fast);
  const box2 = await encryptKey(enc.encode(backup.masterXprv), PASSWORD, { walletId: start.walletId, keyRole: 'backup' }, fast);
  const cosigner = parseKeyOrigin(start.cosigner, start.network);
  const origins: [typeof cosigner, typeof cosigner, typeof cosigner] = [user.origin, backup.origin, cosigner];
  return {
    user,
    backup,
    box1,
    box2,
    finish: {
      walletId: start.walletId,
      userKey: user.origin,
      backupKey: backup.origin,
      userEnvelope: box1 as unknown as Record<string, unknown>,
      descriptor: walletDescriptor(origins, start.network),
      firstAddress: deriveAddress(origins, start.network, 0, 0).address,
    },
  };
}

async function walletRowCounts(walletId: string) {
  const [k] = await db.db.select({ n: count() }).from(walletKeys).where(eq(walletKeys.walletId, walletId));
  const [a] = await db.db.select({ n: count() }).from(walletAddresses).where(eq(walletAddresses.walletId, walletId));
  const [w] = await db.db.select().from(wallets).where(eq(wallets.id, walletId));
  return { keys: Number(k!.n), addresses: Number(a!.n), status: w!.status };
}

describe('wallet creation ceremony', () => {
  it('creates a 2-of-3 wallet: HSM key, browser keys, descriptor, key card code, activation', async () => {
    const start = await admin.api.wallets.createStart.mutate({ name: 'Treasury' });
    expect(start.network).toBe('regtest');
    expect(start.cosigner.path).toBe("m/48'/1'/0'/2'");
    expect(start.cosigner.xpub).toMatch(/^tpub/);
    expect(start.recoveryKey).toMatchObject({ hash: 'SHA-1', bits: 3072 });
    const [blob] = await db.db.select().from(cosignerKeys).where(eq(cosignerKeys.walletId, start.walletId));
    expect(blob!.backend).toBe('pkcs11');
    expect(blob!.wrapped).not.toMatch(/tprv|xprv/);

    const c = await browserCeremony(start);
    const finished = await admin.api.wallets.createFinish.mutate(c.finish);
    expect(finished.descriptor).toBe(c.finish.descriptor);
    expect(finished.descriptor).toMatch(/^wsh\(sortedmulti\(2,\[[0-9a-f]{8}\/48h\/1h\/0h\/2h\]tpub.*\/<0;1>\/\*.*\)\)#[a-z0-9]{8}$/);
    expect(finished.confirmCode).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);

    const keys = await db.db.select().from(walletKeys).where(eq(walletKeys.walletId, start.walletId));
    expect(keys.map((k) => k.role).sort()).toEqual(['backup', 'cosigner', 'user']);
    expect(keys.find((k) => k.role === 'user')!.envelope).toEqual(JSON.parse(JSON.stringify(c.box1)));
    expect(keys.filter((k) => k.role !== 'user').every((k) => k.envelope === null)).toBe(true);

    expect(await expectApiError(() => admin.api.wallets.confirmKeycard.mutate({ walletId: start.walletId, code: 'AAAA-BBBB' }))).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'KEYCARD_CODE_MISMATCH',
    });
    expect((await walletRowCounts(start.walletId)).status).toBe('awaiting_keycard');
    // Typed back loosely (lower case, no dash) still matches.
    await admin.api.wallets.confirmKeycard.mutate({ walletId: start.walletId, code: finished.confirmCode.toLowerCase().replace('-', ' ') });
    const wallet = await admin.api.wallets.get.query({ walletId: start.walletId });
    expect(wallet).toMatchObject({ status: 'active', myRole: 'approver', descriptor: finished.descriptor });

    const types = (await admin.api.audit.list.query({ limit: 5 })).entries.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['wallet.activated', 'wallet.keys_registered', 'wallet.created']);
  });

  it('stores no secret: no private key, no password, nothing of Key #2 but its public origin', async () => {
    const start = await admin.api.wallets.createStart.mutate({ name: 'Secrets check' });
    const c = await browserCeremony(start);
    await admin.api.wallets.createFinish.mutate(c.finish);
    const dump =
      JSON.stringify(await db.db.select().from(walletKeys)) +
      JSON.stringify(await db.db.select().from(wallets)) +
      JSON.stringify(await db.db.select().from(auditEvents)) +
      JSON.stringify(await db.db.select().from(cosignerKeys));
    for (const secret of [PASSWORD, c.user.masterXprv, c.backup.masterXprv, 'tprv', c.box2.ct]) expect(dump).not.toContain(secret);
  });

  it('refuses anything but the strict finish payload, and stores nothing', async () => {
    const start = await admin.api.wallets.createStart.mutate({ name: 'Strict' });
    const c = await browserCeremony(start);
    const before = await walletRowCounts(start.walletId);
    const extra = await expectApiError(() => admin.api.wallets.createFinish.mutate({ ...c.finish, backupEnvelope: c.box2 } as never));
    expect(extra.code).toBe('BAD_REQUEST');
    const badDescriptor = await expectApiError(() => admin.api.wallets.createFinish.mutate({ ...c.finish, descriptor: c.finish.descriptor.replace(/#.*/, '#aaaaaaaa') }));
    expect(badDescriptor.appCode).toBe('WALLET_MISMATCH');
    const otherAddress = deriveAddress([c.user.origin, c.backup.origin, parseKeyOrigin(start.cosigner, 'regtest')], 'regtest', 0, 1).address;
    expect((await expectApiError(() => admin.api.wallets.createFinish.mutate({ ...c.finish, firstAddress: otherAddress }))).appCode).toBe('WALLET_MISMATCH');
    const mainnetKey = generateWalletKey('mainnet');
    expect((await expectApiError(() => admin.api.wallets.createFinish.mutate({ ...c.finish, userKey: mainnetKey.origin }))).appCode).toBe('INVALID_WALLET_KEYS');
    expect((await expectApiError(() => admin.api.wallets.createFinish.mutate({ ...c.finish, backupKey: c.user.origin }))).appCode).toBe('INVALID_WALLET_KEYS');
    const hostile = { ...c.box1, params: { memoryKiB: 4_000_000, iterations: 3, parallelism: 4 }, kdf: 'argon2id' };
    expect((await expectApiError(() => admin.api.wallets.createFinish.mutate({ ...c.finish, userEnvelope: hostile }))).appCode).toBe('INVALID_WALLET_KEYS');
    expect(await walletRowCounts(start.walletId)).toEqual(before);
    // The honest payload still works afterwards.
    await admin.api.wallets.createFinish.mutate(c.finish);
    expect((await walletRowCounts(start.walletId)).status).toBe('awaiting_keycard');
    expect((await expectApiError(() => admin.api.wallets.createFinish.mutate(c.finish))).appCode).toBe('WALLET_STATE');
  });

  it('the database itself refuses an envelope for the backup key', async () => {
    const [w] = await db.db.select().from(wallets).limit(1);
    await expect(db.exec(`insert into wallet_keys (wallet_id, role, fingerprint, path, xpub, envelope) values ('${w!.id}', 'backup', '00000000', 'm', 'x', '{"ct":"x"}')`)).rejects.toBeTruthy();
  });

  it('box 4 (the password sealed to the recovery key) opens only inside the HSM', async () => {
    const start = await admin.api.wallets.createStart.mutate({ name: 'Box 4' });
    const box4 = await encryptPasswordForRecovery(PASSWORD, start.recoveryKey);
    expect(box4).toMatchObject({ alg: 'RSA-OAEP', hash: 'SHA-1', keyId: start.recoveryKey.keyId });
    const plain = await (await testCoSigner()).decryptRecoveryBox(box4.ct, { hash: box4.hash, keyId: box4.keyId });
    expect(new TextDecoder().decode(plain)).toBe(PASSWORD);
  });

  it('issues receive addresses that both sides derive identically, up to the gap limit', async () => {
    const start = await admin.api.wallets.createStart.mutate({ name: 'Receiving' });
    const c = await browserCeremony(start);
    const { confirmCode } = await admin.api.wallets.createFinish.mutate(c.finish);
    const newBeforeActive = await expectApiError(() => admin.api.wallets.newAddress.mutate({ walletId: start.walletId }));
    expect(newBeforeActive.appCode).toBe('WALLET_STATE');
    await admin.api.wallets.confirmKeycard.mutate({ walletId: start.walletId, code: confirmCode });
    const origins: Parameters<typeof deriveAddress>[0] = [c.user.origin, c.backup.origin, parseKeyOrigin(start.cosigner, 'regtest')];
    const issued = await admin.api.wallets.newAddress.mutate({ walletId: start.walletId });
    expect(issued).toEqual({ index: 1, address: deriveAddress(origins, 'regtest', 0, 1).address });
    for (let i = 2; i < 20; i++) await admin.api.wallets.newAddress.mutate({ walletId: start.walletId });
    expect((await expectApiError(() => admin.api.wallets.newAddress.mutate({ walletId: start.walletId }))).appCode).toBe('GAP_LIMIT_REACHED');
    const list = await admin.api.wallets.addresses.query({ walletId: start.walletId });
    expect(list).toHaveLength(20);
    expect(list.every((a) => a.address === deriveAddress(origins, 'regtest', 0, a.index).address)).toBe(true);
  });

  it('exports the active wallet for standard tools, matching its own descriptor and addresses', async () => {
    const start = await admin.api.wallets.createStart.mutate({ name: 'Exported' });
    const c = await browserCeremony(start);
    const { confirmCode } = await admin.api.wallets.createFinish.mutate(c.finish);
    expect((await expectApiError(() => admin.api.wallets.export.query({ walletId: start.walletId }))).appCode).toBe('WALLET_STATE');
    await admin.api.wallets.confirmKeycard.mutate({ walletId: start.walletId, code: confirmCode });
    const origins: Parameters<typeof deriveAddress>[0] = [c.user.origin, c.backup.origin, parseKeyOrigin(start.cosigner, 'regtest')];
    const x = await admin.api.wallets.export.query({ walletId: start.walletId });
    expect(x.descriptor).toBe((await admin.api.wallets.get.query({ walletId: start.walletId })).descriptor);
    const core = JSON.parse(x.bitcoinCoreImport) as { desc: string; internal: boolean; timestamp: number }[];
    expect(core.map((d) => d.internal)).toEqual([false, true]);
    expect(core[0]!.desc).toBe(x.receiveDescriptor);
    expect(x.bsms.split('\n')).toContain(deriveAddress(origins, 'regtest', 0, 0).address);
    const electrum = JSON.parse(x.electrumWatchOnly) as Record<string, { xprv?: unknown; xpub?: string }>;
    expect(electrum['x1/']!.xpub).toMatch(/^Vpub/);
    expect(JSON.stringify(electrum)).not.toMatch(/prv[0-9A-Za-z]{20}/);
  });
});

describe('wallet access', () => {
  it('nobody sees a wallet without a role on it: org colleagues and other organisations get NOT_FOUND', async () => {
    const start = await admin.api.wallets.createStart.mutate({ name: 'Private' });
    const inv = await admin.api.invites.create.mutate({ email: uniqueEmail('colleague'), role: 'admin' });
    const colleague = app.browser();
    await colleague.acceptInvite(inv.url, 'Colleague Admin');
    expect((await expectApiError(() => colleague.api.wallets.get.query({ walletId: start.walletId }))).code).toBe('NOT_FOUND');
    expect(await colleague.api.wallets.list.query()).toEqual([]);
    const outsider = app.browser();
    await outsider.signup({ orgName: 'Other Org', displayName: 'Olga', email: uniqueEmail('olga') });
    expect((await expectApiError(() => outsider.api.wallets.get.query({ walletId: start.walletId }))).code).toBe('NOT_FOUND');
    // Granting the colleague a viewer role makes it visible, read-only.
    const me = await colleague.api.auth.me.query();
    await db.db.insert(walletMembers).values({ walletId: start.walletId, userId: me!.userId, role: 'viewer' });
    expect((await colleague.api.wallets.get.query({ walletId: start.walletId })).myRole).toBe('viewer');
    expect((await expectApiError(() => colleague.api.wallets.createFinish.mutate({ walletId: start.walletId } as never))).code).toMatch(/FORBIDDEN|BAD_REQUEST/);
    const [m] = await db.db.select().from(walletMembers).where(and(eq(walletMembers.walletId, start.walletId), eq(walletMembers.role, 'approver')));
    expect(m).toBeDefined();
  });

  it('auditors cannot create wallets', async () => {
    const inv = await admin.api.invites.create.mutate({ email: uniqueEmail('aud'), role: 'auditor' });
    const auditor = app.browser();
    await auditor.acceptInvite(inv.url, 'Audrey');
    expect((await expectApiError(() => auditor.api.wallets.createStart.mutate({ name: 'Nope' }))).appCode).toBe('FORBIDDEN_ROLE');
  });
});
