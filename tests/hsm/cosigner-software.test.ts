/**
 * The software keystore co-signer (quick start only) and the co-signer configuration: same
 * behaviour as the PKCS#11 backend (BIP32/BIP48 keys, AES-GCM blobs, RSA-OAEP boxes sealed with
 * WebCrypto), plus its own file format, permissions and production refusal.
 */
import { webcrypto } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, chmodSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HDKey } from '@scure/bip32';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoSigner, isCoSignerError, parseCoSignerConfig, type CoSigner, type CoSignerErrorCode, type SoftwareCoSignerConfig } from '@/server/cosigner';
import { BIP32_VERSIONS } from '@/server/cosigner/bip32-account';
import { DEFAULT_HSM_MODULE, DEV_HSM_PIN } from '@/server/cosigner/config';
import { KEYSTORE_FILE, SECRET_FILE } from '@/server/cosigner/software';

let root: string;
const warnings: string[] = [];
const logger = { warn: (message: string) => void warnings.push(message) };
let cosigner: CoSigner;

function softwareConfig(dir: string, overrides: Partial<SoftwareCoSignerConfig> = {}): SoftwareCoSignerConfig {
  return { backend: 'software', dir: path.join(root, dir), oaepHash: 'SHA-256', isProduction: false, allowInProduction: false, ...overrides };
}

async function expectCode(promise: Promise<unknown>, code: CoSignerErrorCode): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isCoSignerError(error), `expected CoSignerError ${code}, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  return error as Error;
}

async function sealWithWebCrypto(spkiB64: string, hash: 'SHA-1' | 'SHA-256', plaintext: Uint8Array): Promise<string> {
  const key = await webcrypto.subtle.importKey('spki', Buffer.from(spkiB64, 'base64'), { name: 'RSA-OAEP', hash }, false, ['encrypt']);
  return Buffer.from(await webcrypto.subtle.encrypt({ name: 'RSA-OAEP' }, key, plaintext)).toString('base64');
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'keystead-keystore-'));
  cosigner = await createCoSigner(softwareConfig('main'), { logger });
});

afterAll(async () => {
  await cosigner?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('software keystore co-signer', () => {
  it('warns loudly at start-up that it is not an HSM', () => {
    expect(cosigner.backend).toBe('software');
    const warning = warnings[0]!;
    expect(warning.split('\n').length).toBeGreaterThanOrEqual(5);
    expect(warning).toContain('WARNING');
    expect(warning).toContain('NOT an HSM');
    expect(warning).toMatch(/NEVER use it in production/);
    expect(warning).toContain(path.join(root, 'main', KEYSTORE_FILE));
  });

  it('keeps an encrypted keystore and a generated secret, both mode 0600', () => {
    const dir = path.join(root, 'main');
    for (const file of [KEYSTORE_FILE, SECRET_FILE]) expect(statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o077).toBe(0);
    const envelope = JSON.parse(readFileSync(path.join(dir, KEYSTORE_FILE), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(envelope).sort()).toEqual(['ct', 'iv', 'kdf', 'salt', 'v']);
    expect(envelope).toMatchObject({ v: 1, kdf: 'HKDF-SHA256' });
    expect(readFileSync(path.join(dir, KEYSTORE_FILE), 'utf8')).not.toMatch(/PRIVATE KEY|aesKey|rsaPkcs8/);
  });

  it('passes its known-answer self-test', async () => {
    await expect(cosigner.selfTest()).resolves.toBeUndefined();
  });

  it.each([
    ['mainnet', 'xpub', "m/48'/0'/0'/2'"],
    ['testnet', 'tpub', "m/48'/1'/0'/2'"],
    ['regtest', 'tpub', "m/48'/1'/0'/2'"],
  ] as const)('creates a BIP48 P2WSH account key on %s (%s, %s) that unwraps to the same xpub', async (network, prefix, accountPath) => {
    const { origin, wrapped } = await cosigner.createBitcoinKey(network);
    expect(origin.path).toBe(accountPath);
    expect(origin.fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(origin.xpub.startsWith(prefix)).toBe(true);
    expect(HDKey.fromExtendedKey(origin.xpub, BIP32_VERSIONS[network]).depth).toBe(4);
    expect(JSON.parse(wrapped)).toMatchObject({ v: 1, kind: 'bip32-seed', mech: 'AES-256-GCM' });
    const again = await cosigner.withBitcoinMaster(wrapped, network, (m) => [m.fingerprint.toString(16).padStart(8, '0'), m.derive(accountPath).publicExtendedKey]);
    expect(again).toEqual([origin.fingerprint, origin.xpub]);
  });

  it('creates a different key every time and wipes the master after use', async () => {
    const [a, b] = await Promise.all([cosigner.createBitcoinKey('regtest'), cosigner.createBitcoinKey('regtest')]);
    expect(a!.origin.xpub).not.toBe(b!.origin.xpub);
    let kept: HDKey | undefined;
    await cosigner.withBitcoinMaster(a!.wrapped, 'regtest', (master) => void (kept = master));
    expect(kept!.privateKey).toBeNull();
  });

  it('rejects tampered and wrong-network blobs with BLOB_INVALID', async () => {
    const { wrapped } = await cosigner.createBitcoinKey('testnet');
    const blob = JSON.parse(wrapped) as Record<string, string>;
    const ct = Buffer.from(blob.ct!, 'base64');
    ct[3]! ^= 0x80;
    const use = (w: string, network: 'testnet' | 'regtest' = 'testnet') => cosigner.withBitcoinMaster(w, network, () => 'opened');
    await expectCode(use(JSON.stringify({ ...blob, ct: ct.toString('base64') })), 'BLOB_INVALID');
    await expectCode(use(wrapped, 'regtest'), 'BLOB_INVALID');
    await expectCode(use('{"v":1}'), 'BLOB_INVALID');
    await expect(cosigner.withBitcoinMaster(wrapped, 'signet' as 'testnet', () => 'opened')).rejects.toThrow(TypeError);
    await expect(use(wrapped)).resolves.toBe('opened');
  });

  it('round-trips recovery boxes sealed by WebCrypto RSA-OAEP (SHA-256 by default, SHA-1 when asked)', async () => {
    const recovery = await cosigner.recoveryPublicKey();
    expect(recovery).toMatchObject({ hash: 'SHA-256', bits: 3072 });
    expect(recovery.keyId).toMatch(/^[0-9a-f]{32}$/);
    const secret = webcrypto.getRandomValues(new Uint8Array(64));
    const box = await sealWithWebCrypto(recovery.spki, 'SHA-256', secret);
    expect(Buffer.from(await cosigner.decryptRecoveryBox(box, { keyId: recovery.keyId }))).toEqual(Buffer.from(secret));
    const sha1Box = await sealWithWebCrypto(recovery.spki, 'SHA-1', secret);
    expect(Buffer.from(await cosigner.decryptRecoveryBox(sha1Box, { hash: 'SHA-1' }))).toEqual(Buffer.from(secret));
    await expectCode(cosigner.decryptRecoveryBox(sha1Box), 'RECOVERY_BOX_INVALID');
    await expectCode(cosigner.decryptRecoveryBox('not base64'), 'RECOVERY_BOX_INVALID');
    await expectCode(cosigner.decryptRecoveryBox(box, { keyId: 'ff'.repeat(16) }), 'KEY_NOT_FOUND');
    await expect(cosigner.decryptRecoveryBox(box, { hash: 'MD5' as 'SHA-1' })).rejects.toThrow(TypeError);
  });

  it('refuses a blob or box from another keystore, and a blob from the PKCS#11 backend', async () => {
    const other = await createCoSigner(softwareConfig('other', { oaepHash: 'SHA-1' }), { logger, selfTest: false });
    try {
      const foreign = await other.createBitcoinKey('regtest');
      await expectCode(cosigner.withBitcoinMaster(foreign.wrapped, 'regtest', () => 'opened'), 'KEY_NOT_FOUND');
      const pkcs11Blob = JSON.stringify({ ...JSON.parse(foreign.wrapped), mech: 'CKM_AES_GCM' });
      const error = await expectCode(cosigner.withBitcoinMaster(pkcs11Blob, 'regtest', () => 'opened'), 'KEY_NOT_FOUND');
      expect(error.message).toContain('other co-signer backend');
      const otherRecovery = await other.recoveryPublicKey();
      expect(otherRecovery.hash).toBe('SHA-1');
      const box = await sealWithWebCrypto(otherRecovery.spki, 'SHA-256', new Uint8Array(8));
      await expectCode(cosigner.decryptRecoveryBox(box), 'RECOVERY_BOX_INVALID');
    } finally {
      await other.close();
    }
  });

  it('keeps its keys across close() and reopen (generated secret file and env secret)', async () => {
    const before = await cosigner.recoveryPublicKey();
    const { origin, wrapped } = await cosigner.createBitcoinKey('mainnet');
    await cosigner.close();
    await expectCode(cosigner.createBitcoinKey('mainnet'), 'CLOSED');
    cosigner = await createCoSigner(softwareConfig('main'), { logger });
    expect(await cosigner.recoveryPublicKey()).toEqual(before);
    expect(await cosigner.withBitcoinMaster(wrapped, 'mainnet', (m) => m.derive(origin.path).publicExtendedKey)).toBe(origin.xpub);

    const secret = 'x'.repeat(40);
    const first = await createCoSigner(softwareConfig('env', { secret }), { logger, selfTest: false });
    const keyId = (await first.recoveryPublicKey()).keyId;
    await first.close();
    expect(existsSync(path.join(root, 'env', SECRET_FILE))).toBe(false);
    const second = await createCoSigner(softwareConfig('env', { secret }), { logger, selfTest: false });
    expect((await second.recoveryPublicKey()).keyId).toBe(keyId);
    await second.close();
    await expectCode(createCoSigner(softwareConfig('env', { secret: 'y'.repeat(40) }), { logger }), 'SOFTWARE_KEYSTORE_INVALID');
  });

  it('refuses a secret file others can read, and a keystore whose secret is gone', async () => {
    const dir = path.join(root, 'perms');
    await (await createCoSigner(softwareConfig('perms'), { logger, selfTest: false })).close();
    chmodSync(path.join(dir, SECRET_FILE), 0o644);
    const error = await expectCode(createCoSigner(softwareConfig('perms'), { logger }), 'SOFTWARE_KEYSTORE_INVALID');
    expect(error.message).toContain('chmod 600');
    unlinkSync(path.join(dir, SECRET_FILE));
    await expectCode(createCoSigner(softwareConfig('perms'), { logger }), 'SOFTWARE_KEYSTORE_INVALID');
    expect(existsSync(path.join(dir, SECRET_FILE))).toBe(false);
  });

  it('refuses to run in production unless explicitly allowed', async () => {
    await expectCode(createCoSigner(softwareConfig('prod', { isProduction: true }), { logger }), 'SOFTWARE_KEYSTORE_FORBIDDEN');
    expect(existsSync(path.join(root, 'prod'))).toBe(false);
    const allowed = await createCoSigner(softwareConfig('prod', { isProduction: true, allowInProduction: true }), { logger, selfTest: false });
    expect(allowed.backend).toBe('software');
    await allowed.close();
  });
});

describe('co-signer configuration', () => {
  const noFiles = { fileExists: () => false, cwd: '/srv/keystead' };
  const softhsmOnly = { fileExists: (f: string) => f === DEFAULT_HSM_MODULE, cwd: '/srv/keystead' };

  it('auto-selects PKCS#11 when the SoftHSM module exists, with development defaults', () => {
    expect(parseCoSignerConfig({}, softhsmOnly)).toEqual({
      backend: 'pkcs11',
      modulePath: DEFAULT_HSM_MODULE,
      tokenLabel: 'keystead',
      pin: DEV_HSM_PIN,
      softhsmConf: undefined,
      oaepHash: 'SHA-1',
    });
    const withConf = parseCoSignerConfig({}, { fileExists: () => true, cwd: '/srv/keystead' });
    expect(withConf).toMatchObject({ backend: 'pkcs11', softhsmConf: '/srv/keystead/.data/softhsm/softhsm2.conf' });
  });

  it('auto-selects the software keystore when no module exists', () => {
    expect(parseCoSignerConfig({ HSM_OAEP_HASH: '' }, noFiles)).toEqual({
      backend: 'software',
      dir: '/srv/keystead/.data/cosigner',
      secret: undefined,
      oaepHash: 'SHA-256',
      isProduction: false,
      allowInProduction: false,
    });
  });

  it('reads every variable', () => {
    const config = parseCoSignerConfig(
      { KEYSTEAD_COSIGNER: 'pkcs11', HSM_MODULE: '/opt/hsm/lib.so', HSM_TOKEN_LABEL: 'prod', HSM_PIN: '98765432', SOFTHSM2_CONF: 'conf/s.conf', HSM_OAEP_HASH: 'SHA-256', NODE_ENV: 'production' },
      { fileExists: (f) => f === '/opt/hsm/lib.so', cwd: '/srv/keystead' },
    );
    expect(config).toEqual({ backend: 'pkcs11', modulePath: '/opt/hsm/lib.so', tokenLabel: 'prod', pin: '98765432', softhsmConf: '/srv/keystead/conf/s.conf', oaepHash: 'SHA-256' });
  });

  it('refuses the software keystore in production unless KEYSTEAD_ALLOW_SOFTWARE_COSIGNER=true', () => {
    const forbidden = (env: Record<string, string>) => () => parseCoSignerConfig({ NODE_ENV: 'production', ...env }, noFiles);
    expect(forbidden({})).toThrow(expect.objectContaining({ code: 'SOFTWARE_KEYSTORE_FORBIDDEN' }));
    expect(forbidden({ KEYSTEAD_COSIGNER: 'software' })).toThrow(expect.objectContaining({ code: 'SOFTWARE_KEYSTORE_FORBIDDEN' }));
    const allowed = parseCoSignerConfig({ NODE_ENV: 'production', KEYSTEAD_COSIGNER: 'software', KEYSTEAD_ALLOW_SOFTWARE_COSIGNER: 'true' }, noFiles);
    expect(allowed).toMatchObject({ backend: 'software', isProduction: true, allowInProduction: true });
  });

  it('requires HSM_PIN in production and names bad variables', () => {
    expect(() => parseCoSignerConfig({ NODE_ENV: 'production' }, softhsmOnly)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('HSM_PIN') }));
    const attempt = () => parseCoSignerConfig({ KEYSTEAD_COSIGNER: 'hsm', HSM_OAEP_HASH: 'MD5', KEYSTEAD_SOFTWARE_KEYSTORE_SECRET: 'short' }, noFiles);
    expect(attempt).toThrow(/KEYSTEAD_COSIGNER[\s\S]*HSM_OAEP_HASH[\s\S]*KEYSTEAD_SOFTWARE_KEYSTORE_SECRET/);
  });

  it('never falls back silently from a module the operator named', () => {
    expect(() => parseCoSignerConfig({ HSM_MODULE: '/opt/missing.so' }, noFiles)).toThrow(expect.objectContaining({ code: 'HSM_UNAVAILABLE' }));
    expect(() => parseCoSignerConfig({ KEYSTEAD_COSIGNER: 'pkcs11' }, noFiles)).toThrow(expect.objectContaining({ code: 'HSM_UNAVAILABLE' }));
    expect(parseCoSignerConfig({ KEYSTEAD_COSIGNER: 'software', HSM_MODULE: DEFAULT_HSM_MODULE }, softhsmOnly).backend).toBe('software');
  });

  it('createCoSigner accepts an env object and parses it', async () => {
    const dir = path.join(root, 'from-env');
    const fromEnv = await createCoSigner({ KEYSTEAD_COSIGNER: 'software', KEYSTEAD_SOFTWARE_KEYSTORE_DIR: dir, NODE_ENV: 'test' }, { logger, selfTest: false });
    expect(fromEnv.backend).toBe('software');
    await fromEnv.close();
    await expectCode(createCoSigner({ NODE_ENV: 'production', KEYSTEAD_COSIGNER: 'software' }), 'SOFTWARE_KEYSTORE_FORBIDDEN');
  });
});
