import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { approvalDigest, type ApprovalInput, type ApprovalRequest } from '@/lib/approvals/digest';
import { toBase64url } from '@/lib/approvals/encoding';
import { apiKeyPublicKey, derToCompactP256, signApprovalWithApiKey, verifyApiKeySignature, type ApiKeyAlgorithm } from '@/lib/approvals/signatures';
import { verifyApprovalProof, type ApiKeyApprovalProof, type ApprovalVerdict } from '@/lib/approvals/verify';

const REQUEST: ApprovalRequest = {
  orgId: 'org-aml',
  walletId: 'wallet-7',
  requestId: 'transfer-42',
  requestKind: 'transfer',
  chain: 'bitcoin',
  network: 'testnet',
  asset: 'BTC',
  outputs: [{ address: 'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', amount: '500000' }],
  feeCap: '3000',
  policyVersion: 2,
  policyHash: 'c'.repeat(64),
};
const CTX = { rpId: 'keystead.example', origins: ['https://keystead.example'] };
const digestOf = (decision: 'approve' | 'reject', request: ApprovalRequest = REQUEST) => approvalDigest({ ...request, decision } as ApprovalInput);
const P256_N = p256.Point.Fn.ORDER;

function proof(algorithm: ApiKeyAlgorithm, publicKey: Uint8Array, signature: Uint8Array, decision: 'approve' | 'reject' = 'approve'): ApiKeyApprovalProof {
  return {
    kind: 'api_key',
    principal: { kind: 'api_key', id: 'ak_aml_check', name: 'AML screening (Chainalysis)' },
    decision,
    algorithm,
    publicKey: toBase64url(publicKey),
    signature: toBase64url(signature),
    at: '2026-11-25T12:00:00.000Z',
  };
}

function reason(verdict: ApprovalVerdict): string {
  return verdict.ok ? 'ok' : verdict.reason.code;
}

describe.each(['ed25519', 'p256'] as const)('API key approvals: %s via the SDK helper', (algorithm) => {
  const secret = algorithm === 'ed25519' ? ed25519.utils.randomSecretKey() : p256.utils.randomSecretKey();
  const publicKey = apiKeyPublicKey(algorithm, secret);
  const digest = digestOf('approve');
  const signature = signApprovalWithApiKey(digest, algorithm, secret);

  it('a genuine signature verifies, alone and as a proof', () => {
    expect(signature.length).toBe(64);
    expect(verifyApiKeySignature(digest, algorithm, publicKey, signature)).toEqual({ ok: true });
    expect(verifyApprovalProof(REQUEST, proof(algorithm, publicKey, signature), CTX)).toEqual({ ok: true, algorithm });
  });

  it('a changed request fails', () => {
    for (const patch of [{ feeCap: '3001' }, { policyVersion: 3 }, { outputs: [{ ...REQUEST.outputs[0]!, amount: '500001' }] }, { outputs: [{ address: 'tb1qattacker', amount: '500000' }] }]) {
      expect(reason(verifyApprovalProof({ ...REQUEST, ...patch }, proof(algorithm, publicKey, signature), CTX)), JSON.stringify(patch)).toBe('signature_invalid');
    }
  });

  it('a rejection replayed as an approval is named as such', () => {
    const rejection = signApprovalWithApiKey(digestOf('reject'), algorithm, secret);
    expect(reason(verifyApprovalProof(REQUEST, proof(algorithm, publicKey, rejection, 'reject'), CTX))).toBe('ok');
    expect(reason(verifyApprovalProof(REQUEST, proof(algorithm, publicKey, rejection, 'approve'), CTX))).toBe('decision_mismatch');
  });

  it('another key, a flipped bit or a wrong length fails', () => {
    const other = apiKeyPublicKey(algorithm, algorithm === 'ed25519' ? ed25519.utils.randomSecretKey() : p256.utils.randomSecretKey());
    expect(reason(verifyApprovalProof(REQUEST, proof(algorithm, other, signature), CTX))).toBe('signature_invalid');
    for (const i of [0, 31, 63]) {
      const flipped = signature.slice();
      flipped[i]! ^= 0x01;
      expect(['signature_invalid', 'signature_malformed']).toContain(reason(verifyApprovalProof(REQUEST, proof(algorithm, publicKey, flipped), CTX)));
    }
    expect(reason(verifyApprovalProof(REQUEST, proof(algorithm, publicKey, signature.subarray(0, 63)), CTX))).toBe('signature_malformed');
    expect(reason(verifyApprovalProof(REQUEST, proof(algorithm, publicKey.subarray(1), signature), CTX))).toBe('public_key_malformed');
    expect(verifyApiKeySignature(digest, algorithm, publicKey, new Uint8Array(64)).ok).toBe(false);
  });

  it('refuses a digest that is not 32 bytes (callers must pass the digest, not the payload)', () => {
    expect(() => signApprovalWithApiKey(new Uint8Array(31), algorithm, secret)).toThrow(TypeError);
    expect(() => verifyApiKeySignature(new Uint8Array(33), algorithm, publicKey, signature)).toThrow(TypeError);
  });
});

describe('API key approvals: interoperability with standard libraries', () => {
  it('p256: WebCrypto ECDSA/SHA-256 over the digest (P1363 r||s) verifies, uncompressed and compressed key', async () => {
    const digest = digestOf('approve');
    for (let i = 0; i < 8; i++) {
      // Eight keys: WebCrypto does not normalise S, so about half of these are high-S.
      const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
      const raw = new Uint8Array(await crypto.subtle.exportKey('raw', keys.publicKey));
      const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, digest as BufferSource));
      expect(raw.length).toBe(65);
      expect(signature.length).toBe(64);
      expect(verifyApprovalProof(REQUEST, proof('p256', raw, signature), CTX)).toEqual({ ok: true, algorithm: 'p256' });
      const compressed = p256.Point.fromBytes(raw).toBytes(true);
      expect(verifyApiKeySignature(digest, 'p256', compressed, signature)).toEqual({ ok: true });
    }
  });

  it('p256: our SDK signature verifies in WebCrypto', async () => {
    const secret = p256.utils.randomSecretKey();
    const digest = digestOf('approve');
    const signature = signApprovalWithApiKey(digest, 'p256', secret);
    const key = await crypto.subtle.importKey('raw', p256.getPublicKey(secret, false) as BufferSource, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    expect(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature as BufferSource, digest as BufferSource)).toBe(true);
  });

  it('p256: high-S signatures are accepted (both S values are valid ECDSA)', () => {
    const secret = p256.utils.randomSecretKey();
    const digest = digestOf('approve');
    const low = p256.Signature.fromBytes(signApprovalWithApiKey(digest, 'p256', secret), 'compact');
    const high = new p256.Signature(low.r, P256_N - low.s).toBytes('compact');
    expect(verifyApiKeySignature(digest, 'p256', p256.getPublicKey(secret), high)).toEqual({ ok: true });
  });

  it('p256: a DER signature is refused as malformed, and derToCompactP256 converts it', () => {
    const secret = p256.utils.randomSecretKey();
    const digest = digestOf('approve');
    const der = p256.sign(digest, secret, { format: 'der' });
    expect(verifyApiKeySignature(digest, 'p256', p256.getPublicKey(secret), der)).toMatchObject({ ok: false, code: 'signature_malformed' });
    expect(verifyApiKeySignature(digest, 'p256', p256.getPublicKey(secret), derToCompactP256(der)!)).toEqual({ ok: true });
  });

  it('p256: out-of-range r/s and off-curve keys are refused', () => {
    const secret = p256.utils.randomSecretKey();
    const digest = digestOf('approve');
    const pub = p256.getPublicKey(secret, false);
    expect(verifyApiKeySignature(digest, 'p256', pub, new Uint8Array(64).fill(0xff))).toMatchObject({ ok: false, code: 'signature_malformed' });
    const offCurve = pub.slice();
    offCurve[64]! ^= 1;
    expect(verifyApiKeySignature(digest, 'p256', offCurve, signApprovalWithApiKey(digest, 'p256', secret))).toMatchObject({ ok: false, code: 'public_key_malformed' });
  });

  it('ed25519: WebCrypto Ed25519 over the digest verifies, and ours verifies there', async () => {
    const digest = digestOf('approve');
    const keys = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', keys.publicKey));
    const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, keys.privateKey, digest as BufferSource));
    expect(verifyApprovalProof(REQUEST, proof('ed25519', raw, signature), CTX)).toEqual({ ok: true, algorithm: 'ed25519' });

    const secret = ed25519.utils.randomSecretKey();
    const ours = signApprovalWithApiKey(digest, 'ed25519', secret);
    const key = await crypto.subtle.importKey('raw', ed25519.getPublicKey(secret) as BufferSource, { name: 'Ed25519' }, false, ['verify']);
    expect(await crypto.subtle.verify({ name: 'Ed25519' }, key, ours as BufferSource, digest as BufferSource)).toBe(true);
  });

  it('ed25519: small-order and non-canonical public keys are refused', () => {
    const digest = digestOf('approve');
    const identity = new Uint8Array(32);
    identity[0] = 1; // the neutral point: every "signature" (R = identity, S = 0) would verify
    const forged = new Uint8Array(64);
    forged.set(identity, 0);
    expect(verifyApiKeySignature(digest, 'ed25519', identity, forged)).toMatchObject({ ok: false, code: 'public_key_malformed' });
    const nonCanonical = new Uint8Array(32).fill(0xff);
    nonCanonical[31] = 0x7f; // y = 2^255 - 1 >= p
    expect(verifyApiKeySignature(digest, 'ed25519', nonCanonical, forged)).toMatchObject({ ok: false, code: 'public_key_malformed' });
  });

  it('an unknown algorithm or principal kind is a malformed proof', () => {
    const good = proof('ed25519', new Uint8Array(32), new Uint8Array(64));
    expect(reason(verifyApprovalProof(REQUEST, { ...good, algorithm: 'rsa' }, CTX))).toBe('malformed_proof');
    expect(reason(verifyApprovalProof(REQUEST, { ...good, principal: { ...good.principal, kind: 'user' } }, CTX))).toBe('malformed_proof');
    expect(reason(verifyApprovalProof(REQUEST, { ...good, extra: 1 }, CTX))).toBe('malformed_proof');
    expect(reason(verifyApprovalProof(REQUEST, { ...good, signature: 'AA==' }, CTX))).toBe('malformed_proof');
  });
});
