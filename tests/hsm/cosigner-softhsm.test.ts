/**
 * The PKCS#11 co-signer against a real SoftHSM2 token (PKCS#11 v2.40; BIP32; BIP48; RFC 8017
 * RSA-OAEP with WebCrypto as the browser uses it). One temp token dir for this file.
 */
import { createHash, webcrypto } from 'node:crypto';
import { HDKey } from '@scure/bip32';
import pkcs11js from 'pkcs11js';
import type { Handle } from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoSigner, isCoSignerError, type CoSigner, type CoSignerErrorCode } from '@/server/cosigner';
import { BIP32_VERSIONS } from '@/server/cosigner/bip32-account';
import { RECOVERY_KEY_LABEL, WRAPPING_KEY_LABEL } from '@/server/cosigner/pkcs11';
import { createTempSoftHsm, findByLabel, readFlag, withRawSession, type TempSoftHsm } from '../helpers/softhsm';

const MAIN = 'keystead';
const OTHER = 'keystead-other';
const WEAK = 'keystead-weak';
const FRESH = 'keystead-fresh';

let hsm: TempSoftHsm;
let cosigner: CoSigner;

async function expectCode(promise: Promise<unknown>, code: CoSignerErrorCode): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isCoSignerError(error), `expected CoSignerError ${code}, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  return error as Error;
}

function tamper(wrapped: string, field: 'iv' | 'ct'): string {
  const blob = JSON.parse(wrapped) as Record<string, string>;
  const bytes = Buffer.from(blob[field]!, 'base64');
  bytes[bytes.length - 1]! ^= 0x01;
  return JSON.stringify({ ...blob, [field]: bytes.toString('base64') });
}

async function sealWithWebCrypto(spkiB64: string, hash: 'SHA-1' | 'SHA-256', plaintext: Uint8Array): Promise<string> {
  const key = await webcrypto.subtle.importKey('spki', Buffer.from(spkiB64, 'base64'), { name: 'RSA-OAEP', hash }, false, ['encrypt']);
  return Buffer.from(await webcrypto.subtle.encrypt({ name: 'RSA-OAEP' }, key, plaintext)).toString('base64');
}

beforeAll(async () => {
  hsm = createTempSoftHsm();
  // SoftHSM lists tokens as of C_Initialize: create every token before the first co-signer opens.
  for (const label of [MAIN, OTHER, WEAK, FRESH]) hsm.initToken(label);
  cosigner = await createCoSigner(hsm.config(MAIN), { selfTest: false });
});

afterAll(async () => {
  await cosigner?.close();
  hsm?.cleanup();
});

describe('PKCS#11 co-signer on SoftHSM2', () => {
  it('hsm-init.sh is idempotent and prints the SOFTHSM2_CONF export', () => {
    expect(hsm.conf).toBe(`${hsm.dir}/softhsm2.conf`);
    expect(() => hsm.initToken(MAIN)).not.toThrow();
  });

  it('passes its known-answer self-test (creating the keys on first use)', async () => {
    expect(cosigner.backend).toBe('pkcs11');
    await expect(cosigner.selfTest()).resolves.toBeUndefined();
  });

  it.each([
    ['mainnet', 'xpub', "m/48'/0'/0'/2'"],
    ['testnet', 'tpub', "m/48'/1'/0'/2'"],
    ['regtest', 'tpub', "m/48'/1'/0'/2'"],
  ] as const)('creates a BIP48 P2WSH account key on %s (%s, %s)', async (network, prefix, path) => {
    const { origin, wrapped } = await cosigner.createBitcoinKey(network);
    expect(origin.path).toBe(path);
    expect(origin.fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(origin.xpub.startsWith(prefix)).toBe(true);
    const account = HDKey.fromExtendedKey(origin.xpub, BIP32_VERSIONS[network]);
    expect(account.depth).toBe(4);
    expect(account.index).toBe(0x80000002);
    expect(account.privateKey).toBeNull();

    const fromSeed = await cosigner.withBitcoinMaster(wrapped, network, (master) => ({
      fingerprint: master.fingerprint.toString(16).padStart(8, '0'),
      xpub: master.derive(path).publicExtendedKey,
      depth: master.depth,
    }));
    expect(fromSeed).toEqual({ fingerprint: origin.fingerprint, xpub: origin.xpub, depth: 0 });
  });

  it('wraps with AES-GCM under a non-extractable key, in a self-describing blob', async () => {
    const { wrapped } = await cosigner.createBitcoinKey('regtest');
    const blob = JSON.parse(wrapped) as Record<string, unknown>;
    expect(Object.keys(blob).sort()).toEqual(['ct', 'iv', 'kid', 'kind', 'mech', 'v']);
    expect(blob).toMatchObject({ v: 1, kind: 'bip32-seed', mech: 'CKM_AES_GCM' });
    expect(blob.kid).toMatch(/^[0-9a-f]{32}$/);
    expect(Buffer.from(blob.iv as string, 'base64')).toHaveLength(12);
    expect(Buffer.from(blob.ct as string, 'base64')).toHaveLength(32 + 16);
  });

  it('creates a different key every time', async () => {
    const keys = await Promise.all([1, 2, 3].map(() => cosigner.createBitcoinKey('testnet')));
    expect(new Set(keys.map((k) => k.origin.fingerprint)).size).toBe(3);
    expect(new Set(keys.map((k) => k.origin.xpub)).size).toBe(3);
    expect(new Set(keys.map((k) => JSON.parse(k.wrapped).kid)).size).toBe(1);
  });

  it('keeps the wrapping key and the recovery private key sensitive and non-extractable', async () => {
    await cosigner.recoveryPublicKey();
    withRawSession(hsm.conf, MAIN, (lib, session) => {
      const aes = findByLabel(lib, session, pkcs11js.CKO_SECRET_KEY, WRAPPING_KEY_LABEL);
      const rsa = findByLabel(lib, session, pkcs11js.CKO_PRIVATE_KEY, RECOVERY_KEY_LABEL);
      expect(aes).toHaveLength(1);
      expect(rsa).toHaveLength(1);
      for (const handle of [aes[0]!, rsa[0]!]) {
        expect(readFlag(lib, session, handle, pkcs11js.CKA_EXTRACTABLE)).toBe(false);
        expect(readFlag(lib, session, handle, pkcs11js.CKA_NEVER_EXTRACTABLE)).toBe(true);
        expect(readFlag(lib, session, handle, pkcs11js.CKA_SENSITIVE)).toBe(true);
        expect(readFlag(lib, session, handle, pkcs11js.CKA_ALWAYS_SENSITIVE)).toBe(true);
        expect(readFlag(lib, session, handle, pkcs11js.CKA_TOKEN)).toBe(true);
      }
      expect(readFlag(lib, session, rsa[0]!, pkcs11js.CKA_DECRYPT)).toBe(true);
      expect(readFlag(lib, session, rsa[0]!, pkcs11js.CKA_SIGN)).toBe(false);
      expect(readFlag(lib, session, aes[0]!, pkcs11js.CKA_WRAP)).toBe(false);
      const secretOf = (handle: Handle, type: number) => () => lib.C_GetAttributeValue(session, handle, [{ type }]);
      expect(secretOf(aes[0]!, pkcs11js.CKA_VALUE)).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
      expect(secretOf(rsa[0]!, pkcs11js.CKA_PRIVATE_EXPONENT)).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
      expect(secretOf(rsa[0]!, pkcs11js.CKA_PRIME_1)).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
    });
  });

  it('wipes the master after the scoped call, also when the call throws', async () => {
    const { wrapped } = await cosigner.createBitcoinKey('regtest');
    let kept: HDKey | undefined;
    await cosigner.withBitcoinMaster(wrapped, 'regtest', (master) => {
      kept = master;
      expect(master.privateKey).toHaveLength(32);
    });
    expect(kept!.privateKey).toBeNull();

    await expect(
      cosigner.withBitcoinMaster(wrapped, 'regtest', (master) => {
        kept = master;
        throw new Error('signing failed');
      }),
    ).rejects.toThrow('signing failed');
    expect(kept!.privateKey).toBeNull();
  });

  it('rejects tampered, malformed and wrong-network blobs with BLOB_INVALID', async () => {
    const { wrapped } = await cosigner.createBitcoinKey('testnet');
    const blob = JSON.parse(wrapped) as Record<string, unknown>;
    const use = (w: string, network: 'mainnet' | 'testnet' = 'testnet') => cosigner.withBitcoinMaster(w, network, () => 'opened');
    await expectCode(use(tamper(wrapped, 'ct')), 'BLOB_INVALID');
    await expectCode(use(tamper(wrapped, 'iv')), 'BLOB_INVALID');
    await expectCode(use(wrapped, 'mainnet'), 'BLOB_INVALID');
    await expectCode(use('not json'), 'BLOB_INVALID');
    await expectCode(use(JSON.stringify({ ...blob, v: 2 })), 'BLOB_INVALID');
    await expectCode(use(JSON.stringify({ ...blob, extra: 1 })), 'BLOB_INVALID');
    await expectCode(use(JSON.stringify({ ...blob, ct: 'AAAA' })), 'BLOB_INVALID');
    await expectCode(use(JSON.stringify({ ...blob, iv: `${blob.iv as string}!` })), 'BLOB_INVALID');
    await expectCode(use('x'.repeat(10_000)), 'BLOB_INVALID');
    // The session is still usable after the HSM refused a tag.
    await expect(use(wrapped)).resolves.toBe('opened');
  });

  it('round-trips a recovery box sealed by WebCrypto RSA-OAEP/SHA-1, as the browser does', async () => {
    const recovery = await cosigner.recoveryPublicKey();
    expect(recovery.hash).toBe('SHA-1');
    expect(recovery.bits).toBe(3072);
    const spki = Buffer.from(recovery.spki, 'base64');
    expect(recovery.keyId).toBe(createHash('sha256').update(spki).digest('hex').slice(0, 32));

    for (const size of [1, 32, 384 - 2 * 20 - 2]) {
      const secret = webcrypto.getRandomValues(new Uint8Array(size));
      const box = await sealWithWebCrypto(recovery.spki, 'SHA-1', secret);
      expect(Buffer.from(await cosigner.decryptRecoveryBox(box, { keyId: recovery.keyId, hash: 'SHA-1' }))).toEqual(Buffer.from(secret));
    }
  });

  it('refuses bad recovery boxes with typed errors', async () => {
    const recovery = await cosigner.recoveryPublicKey();
    const box = await sealWithWebCrypto(recovery.spki, 'SHA-1', new Uint8Array(32).fill(7));
    const flipped = Buffer.from(box, 'base64');
    flipped[100]! ^= 0x01;
    await expectCode(cosigner.decryptRecoveryBox(flipped.toString('base64')), 'RECOVERY_BOX_INVALID');
    await expectCode(cosigner.decryptRecoveryBox(box.slice(0, -8)), 'RECOVERY_BOX_INVALID');
    await expectCode(cosigner.decryptRecoveryBox(`${box.slice(0, -4)}%%%%`), 'RECOVERY_BOX_INVALID');
    await expectCode(cosigner.decryptRecoveryBox(box, { keyId: '00'.repeat(16) }), 'KEY_NOT_FOUND');
    // SoftHSM 2.6.1 has no OAEP with SHA-256: the error says what to configure.
    const sha256 = await expectCode(cosigner.decryptRecoveryBox(box, { hash: 'SHA-256' }), 'HSM_OPERATION_FAILED');
    expect(sha256.message).toContain('HSM_OAEP_HASH=SHA-1');
    await expect(cosigner.decryptRecoveryBox(box)).resolves.toHaveLength(32);
  });

  it('serialises concurrent callers on its one session', async () => {
    const recovery = await cosigner.recoveryPublicKey();
    const secrets = [1, 2, 3, 4].map((n) => new Uint8Array(16).fill(n));
    const boxes = await Promise.all(secrets.map((s) => sealWithWebCrypto(recovery.spki, 'SHA-1', s)));
    const created = await Promise.all(Array.from({ length: 6 }, () => cosigner.createBitcoinKey('regtest')));
    const results = await Promise.all([
      ...boxes.map((b) => cosigner.decryptRecoveryBox(b).then((p) => Buffer.from(p).toString('hex'))),
      ...created.map((k) => cosigner.withBitcoinMaster(k.wrapped, 'regtest', (m) => m.derive(k.origin.path).publicExtendedKey)),
    ]);
    expect(results).toEqual([...secrets.map((s) => Buffer.from(s).toString('hex')), ...created.map((k) => k.origin.xpub)]);
  });

  it('refuses a blob or a box from another token', async () => {
    const other = await createCoSigner(hsm.config(OTHER), { selfTest: false });
    try {
      const foreign = await other.createBitcoinKey('regtest');
      const error = await expectCode(cosigner.withBitcoinMaster(foreign.wrapped, 'regtest', () => 'opened'), 'KEY_NOT_FOUND');
      expect(error.message).toContain(`token "${MAIN}"`);

      const otherRecovery = await other.recoveryPublicKey();
      const mine = await cosigner.recoveryPublicKey();
      expect(otherRecovery.keyId).not.toBe(mine.keyId);
      const box = await sealWithWebCrypto(otherRecovery.spki, 'SHA-1', new Uint8Array(32).fill(1));
      await expectCode(cosigner.decryptRecoveryBox(box, { keyId: otherRecovery.keyId }), 'KEY_NOT_FOUND');
      await expectCode(cosigner.decryptRecoveryBox(box), 'RECOVERY_BOX_INVALID');
    } finally {
      await other.close();
    }
  });

  it('refuses a key under its label that is extractable', async () => {
    withRawSession(hsm.conf, WEAK, (lib, session) => {
      lib.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
        { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
        { type: pkcs11js.CKA_LABEL, value: WRAPPING_KEY_LABEL },
        { type: pkcs11js.CKA_ID, value: Buffer.alloc(16, 1) },
        { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_PRIVATE, value: true },
        { type: pkcs11js.CKA_SENSITIVE, value: false },
        { type: pkcs11js.CKA_EXTRACTABLE, value: true },
        { type: pkcs11js.CKA_ENCRYPT, value: true },
        { type: pkcs11js.CKA_DECRYPT, value: true },
      ]);
    });
    const weak = await createCoSigner(hsm.config(WEAK), { selfTest: false });
    try {
      const error = await expectCode(weak.createBitcoinKey('regtest'), 'KEY_POLICY_VIOLATION');
      expect(error.message).toMatch(/CKA_SENSITIVE should be true.*CKA_EXTRACTABLE should be false/);
      await expectCode(weak.selfTest(), 'SELF_TEST_FAILED');
    } finally {
      await weak.close();
    }
  });

  it('gives HSM_LOGIN_FAILED for a wrong PIN, also on a token this process is logged in to', async () => {
    const fresh = await expectCode(createCoSigner(hsm.config(FRESH, { pin: 'wrong-pin' })), 'HSM_LOGIN_FAILED');
    expect(fresh.message).toMatch(/CKR_PIN_INCORRECT[\s\S]*HSM_PIN/);
    await expectCode(createCoSigner(hsm.config(MAIN, { pin: 'wrong-pin' })), 'HSM_LOGIN_FAILED');
  });

  it('gives clear typed errors for a missing token or module', async () => {
    const token = await expectCode(createCoSigner(hsm.config('no-such-token')), 'HSM_TOKEN_NOT_FOUND');
    expect(token.message).toContain(`"${MAIN}"`);
    expect(token.message).toContain('scripts/hsm-init.sh');
    await expectCode(createCoSigner(hsm.config(MAIN, { modulePath: '/nonexistent/libpkcs11.so' })), 'HSM_UNAVAILABLE');
    await expectCode(createCoSigner(hsm.config(MAIN, { softhsmConf: `${hsm.dir}/other.conf` })), 'HSM_UNAVAILABLE');
  });

  it('keeps its keys across close() and a fresh C_Initialize', async () => {
    const before = await cosigner.recoveryPublicKey();
    const { origin, wrapped } = await cosigner.createBitcoinKey('mainnet');
    await cosigner.close();
    await cosigner.close();
    await expectCode(cosigner.createBitcoinKey('mainnet'), 'CLOSED');
    await expectCode(cosigner.recoveryPublicKey(), 'CLOSED');
    // Every vault is closed, so the library was finalised and unloaded: the reopen below initialises it afresh.
    const modules = (globalThis as unknown as Record<symbol, Map<string, unknown> | undefined>)[Symbol.for('keystead.cosigner.pkcs11-modules')];
    expect(modules?.size).toBe(0);

    cosigner = await createCoSigner(hsm.config(MAIN));
    expect(await cosigner.recoveryPublicKey()).toEqual(before);
    const xpub = await cosigner.withBitcoinMaster(wrapped, 'mainnet', (master) => master.derive(origin.path).publicExtendedKey);
    expect(xpub).toBe(origin.xpub);
    withRawSession(hsm.conf, MAIN, (lib, session) => {
      expect(findByLabel(lib, session, pkcs11js.CKO_SECRET_KEY, WRAPPING_KEY_LABEL)).toHaveLength(1);
      expect(findByLabel(lib, session, pkcs11js.CKO_PRIVATE_KEY, RECOVERY_KEY_LABEL)).toHaveLength(1);
    });
  });
});
