/**
 * Box 4 (lib/crypto/recovery-box.ts): the password under RSAES-OAEP (RFC 8017 §7.1) to the
 * recovery key, via WebCrypto. Round trips with a WebCrypto-generated 3072-bit key for SHA-1
 * (what SoftHSM 2.6 can decrypt) and SHA-256, decrypted with WebCrypto; keys under 3072 bits refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { base64 } from '@scure/base';
import { encryptPasswordForRecovery, type CryptoErrorCode, type RecoveryOaepHash, type RecoveryPublicKey } from '@/lib/crypto';

const PASSWORD = 'correct horse battery staple 42';

async function generateRsa(modulusLength: number): Promise<{ spki: string; pkcs8: ArrayBuffer }> {
  const pair = await crypto.subtle.generateKey(
    { name: 'RSA-OAEP', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['encrypt', 'decrypt'],
  );
  const spki = base64.encode(new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey)));
  return { spki, pkcs8: await crypto.subtle.exportKey('pkcs8', pair.privateKey) };
}

/** The recovery service's side: the private key imported for the hash recorded in the box. */
async function decryptBox(pkcs8: ArrayBuffer, hash: RecoveryOaepHash, ct: string): Promise<string> {
  const key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSA-OAEP', hash }, false, ['decrypt']);
  return new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'RSA-OAEP' }, key, new Uint8Array(base64.decode(ct))));
}

async function expectRejects(promise: Promise<unknown>, code: CryptoErrorCode): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'CryptoError', code });
}

let rsa3072: { spki: string; pkcs8: ArrayBuffer };
let rsa2048: { spki: string; pkcs8: ArrayBuffer };
beforeAll(async () => {
  [rsa3072, rsa2048] = await Promise.all([generateRsa(3072), generateRsa(2048)]);
}, 60_000);

describe('encryptPasswordForRecovery', () => {
  for (const hash of ['SHA-1', 'SHA-256'] as const) {
    it(`RSA-OAEP/${hash}, 3072-bit: round trip through WebCrypto decrypt`, async () => {
      const recoveryKey: RecoveryPublicKey = { keyId: 'recovery-2026-01', spki: rsa3072.spki, hash };
      const box = await encryptPasswordForRecovery(PASSWORD, recoveryKey);
      expect(box).toEqual({ alg: 'RSA-OAEP', hash, keyId: 'recovery-2026-01', ct: expect.any(String) });
      expect(base64.decode(box.ct)).toHaveLength(384);
      expect(await decryptBox(rsa3072.pkcs8, hash, box.ct)).toBe(PASSWORD);
    });
  }

  it('records the hash that matters: a SHA-1 box does not open as SHA-256', async () => {
    const box = await encryptPasswordForRecovery(PASSWORD, { keyId: 'k', spki: rsa3072.spki, hash: 'SHA-1' });
    await expect(decryptBox(rsa3072.pkcs8, 'SHA-256', box.ct)).rejects.toThrow();
  });

  it('is randomized (OAEP): two boxes of the same password differ', async () => {
    const key = { keyId: 'k', spki: rsa3072.spki, hash: 'SHA-256' } as const;
    const [a, b] = await Promise.all([encryptPasswordForRecovery(PASSWORD, key), encryptPasswordForRecovery(PASSWORD, key)]);
    expect(a.ct).not.toBe(b.ct);
  });

  it('encrypts the NFKC form of the password, the form the envelopes use', async () => {
    const box = await encryptPasswordForRecovery('ﬁnancial vault ４２', { keyId: 'k', spki: rsa3072.spki, hash: 'SHA-256' });
    expect(await decryptBox(rsa3072.pkcs8, 'SHA-256', box.ct)).toBe('financial vault 42');
  });

  it('refuses a 2048-bit key', async () => {
    await expectRejects(encryptPasswordForRecovery(PASSWORD, { keyId: 'k', spki: rsa2048.spki, hash: 'SHA-1' }), 'RECOVERY_KEY_TOO_SMALL');
    await expectRejects(encryptPasswordForRecovery(PASSWORD, { keyId: 'k', spki: rsa2048.spki, hash: 'SHA-256' }), 'RECOVERY_KEY_TOO_SMALL');
  });

  it('refuses what is not an RSA SubjectPublicKeyInfo', async () => {
    const ec = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const ecSpki = base64.encode(new Uint8Array(await crypto.subtle.exportKey('spki', ec.publicKey)));
    for (const spki of ['not base64!', base64.encode(new Uint8Array(300)), ecSpki, rsa3072.spki.slice(0, -8), 'A'.repeat(100_000)]) {
      await expectRejects(encryptPasswordForRecovery(PASSWORD, { keyId: 'k', spki, hash: 'SHA-256' }), 'INVALID_RECOVERY_KEY');
    }
  });

  it('refuses a password longer than one OAEP block (3072-bit, SHA-256: 318 bytes)', async () => {
    const key = { keyId: 'k', spki: rsa3072.spki, hash: 'SHA-256' } as const;
    await expectRejects(encryptPasswordForRecovery('a'.repeat(319), key), 'PASSWORD_TOO_LONG');
    expect(await decryptBox(rsa3072.pkcs8, 'SHA-256', (await encryptPasswordForRecovery('a'.repeat(318), key)).ct)).toHaveLength(318);
  });

  it('rejects bad arguments with TypeError', async () => {
    await expect(encryptPasswordForRecovery('', { keyId: 'k', spki: rsa3072.spki, hash: 'SHA-256' })).rejects.toThrow(TypeError);
    await expect(encryptPasswordForRecovery(PASSWORD, { keyId: '', spki: rsa3072.spki, hash: 'SHA-256' })).rejects.toThrow(TypeError);
    await expect(encryptPasswordForRecovery(PASSWORD, { keyId: 'k', spki: rsa3072.spki, hash: 'SHA-512' as never })).rejects.toThrow(TypeError);
  });
});
