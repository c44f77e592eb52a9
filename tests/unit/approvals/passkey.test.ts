/**
 * Passkey approvals: real WebAuthn registrations and assertions (the repo's software
 * authenticator, plus hand-built EdDSA and RS256 authenticators), stored exactly as the server
 * stores them, re-verified by lib/approvals/verify.ts and, for parity, by @simplewebauthn/server.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse } from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { beforeAll, describe, expect, it } from 'vitest';
import { approvalDigest, challengeFromDigest, type ApprovalDecision, type ApprovalRequest } from '@/lib/approvals/digest';
import { decodeCbor } from '@/lib/approvals/cose';
import { concat, fromBase64url, toBase64url } from '@/lib/approvals/encoding';
import { signApprovalWithApiKey, apiKeyPublicKey } from '@/lib/approvals/signatures';
import {
  APPROVAL_BUNDLE_FORMAT,
  ApprovalBundleError,
  parseApprovalProofBundle,
  verifyApprovalBundle,
  verifyApprovalProof,
  type ApprovalProofBundle,
  type ApprovalVerdict,
  type PasskeyApprovalProof,
  type VerifyContext,
} from '@/lib/approvals/verify';
import { SoftAuthenticator } from '@/tests/helpers/soft-authenticator';

const RP_ID = 'keystead.example';
const ORIGIN = 'https://keystead.example';
const CTX: VerifyContext = { rpId: RP_ID, origins: [ORIGIN] };

const REQUEST: ApprovalRequest = {
  orgId: '7d1f9a0e-3f51-4c2e-9a55-0c2b8f6f3e11',
  walletId: 'c0ffee00-1111-4222-8333-444455556666',
  requestId: '0b9e2a61-5d7c-4f0e-9a3b-2c1d0e9f8a7b',
  requestKind: 'transfer',
  chain: 'bitcoin',
  network: 'regtest',
  asset: 'BTC',
  outputs: [
    { address: 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080', amount: '150000000' },
    { address: 'bcrt1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l', amount: '2500' },
  ],
  feeCap: '25000',
  policyVersion: 3,
  policyHash: 'ab'.repeat(32),
};

const challengeFor = (decision: ApprovalDecision, request: ApprovalRequest = REQUEST) => challengeFromDigest(approvalDigest({ ...request, decision }));

function code(verdict: ApprovalVerdict): string {
  return verdict.ok ? 'ok' : verdict.reason.code;
}

// ---------------------------------------------------------------------------------------------
// ES256 via the repo's soft authenticator, registered and asserted through @simplewebauthn

interface Enrolled {
  authenticator: SoftAuthenticator;
  credentialId: string;
  /** What the server stores: isoBase64URL.fromBuffer(credential.publicKey). */
  publicKeyCose: string;
  secretKey: Uint8Array;
}

async function enrol(name: string, authenticator = new SoftAuthenticator(ORIGIN)): Promise<Enrolled> {
  const options = await generateRegistrationOptions({ rpName: 'Keystead', rpID: RP_ID, userName: name, attestationType: 'none', supportedAlgorithmIDs: [-7, -257] });
  const response = authenticator.create(options);
  const result = await verifyRegistrationResponse({ response, expectedChallenge: options.challenge, expectedOrigin: ORIGIN, expectedRPID: RP_ID, requireUserVerification: true });
  expect(result.verified).toBe(true);
  const { credential } = result.registrationInfo!;
  return { authenticator, credentialId: credential.id, publicKeyCose: toBase64url(credential.publicKey), secretKey: authenticator.credentials.at(-1)!.secretKey };
}

/** The server's approval flow: options from the digest bytes, the authenticator signs, the server verifies and keeps the fields. */
async function approveWithPasskey(who: Enrolled, decision: ApprovalDecision, request: ApprovalRequest = REQUEST, name = 'Alice Approver'): Promise<PasskeyApprovalProof> {
  const options = await generateAuthenticationOptions({ rpID: RP_ID, challenge: approvalDigest({ ...request, decision }), userVerification: 'required', allowCredentials: [] });
  expect(options.challenge).toBe(challengeFor(decision, request)); // bytes in, base64url(digest) out
  const response = who.authenticator.get({ challenge: options.challenge, rpId: RP_ID });
  return {
    kind: 'passkey',
    principal: { kind: 'user', id: `user-${name.split(' ')[0]!.toLowerCase()}`, name },
    decision,
    credentialId: response.id,
    publicKeyCose: who.publicKeyCose,
    authenticatorData: response.response.authenticatorData,
    clientDataJSON: response.response.clientDataJSON,
    signature: response.response.signature,
    at: '2026-11-25T12:00:00.000Z',
  };
}

/** @simplewebauthn's verdict on the same proof (the reference implementation). */
async function simpleWebAuthnAccepts(proof: PasskeyApprovalProof, request: ApprovalRequest = REQUEST, ctx: VerifyContext = CTX): Promise<boolean> {
  try {
    const result = await verifyAuthenticationResponse({
      response: {
        id: proof.credentialId,
        rawId: proof.credentialId,
        type: 'public-key',
        clientExtensionResults: {},
        response: { authenticatorData: proof.authenticatorData, clientDataJSON: proof.clientDataJSON, signature: proof.signature },
      },
      expectedChallenge: challengeFor(proof.decision, request),
      expectedOrigin: [...ctx.origins],
      expectedRPID: ctx.rpId,
      credential: { id: proof.credentialId, publicKey: fromBase64url(proof.publicKeyCose) as Uint8Array<ArrayBuffer>, counter: 0 },
      requireUserVerification: false,
    });
    return result.verified;
  } catch {
    return false;
  }
}

/** Re-signs modified authenticatorData / clientDataJSON with the credential's real key (an authenticator that really said this). */
interface Assertion {
  authData?: Uint8Array;
  clientData?: Record<string, unknown>;
}
type Signer = (data: Uint8Array) => Promise<Uint8Array> | Uint8Array;

function authData({ rpId = RP_ID, flags = 0x05, counter = 7, tail = new Uint8Array(0) }: { rpId?: string; flags?: number; counter?: number; tail?: Uint8Array } = {}): Uint8Array {
  return concat(sha256(utf8ToBytes(rpId)), Uint8Array.of(flags), Uint8Array.of(counter >>> 24, (counter >>> 16) & 255, (counter >>> 8) & 255, counter & 255), tail);
}

async function assertion(base: PasskeyApprovalProof, sign: Signer, a: Assertion = {}): Promise<PasskeyApprovalProof> {
  const ad = a.authData ?? authData();
  const cd = utf8ToBytes(JSON.stringify(a.clientData ?? { type: 'webauthn.get', challenge: challengeFor(base.decision), origin: ORIGIN, crossOrigin: false }));
  const signature = await sign(concat(ad, sha256(cd)));
  return { ...base, authenticatorData: toBase64url(ad), clientDataJSON: toBase64url(cd), signature: toBase64url(signature) };
}

const es256Signer = (secretKey: Uint8Array): Signer => (data) => p256.sign(data, secretKey, { format: 'der' });

let alice: Enrolled;
let bob: Enrolled;
let genuine: PasskeyApprovalProof;

beforeAll(async () => {
  alice = await enrol('alice@corp.example');
  bob = await enrol('bob@corp.example');
  genuine = await approveWithPasskey(alice, 'approve');
});

describe('passkey approval (ES256, soft authenticator)', () => {
  it('a genuine approval verifies here and in @simplewebauthn (parity)', async () => {
    expect(verifyApprovalProof(REQUEST, genuine, CTX)).toEqual({ ok: true, algorithm: 'ES256', userVerified: true, signCount: 1 });
    expect(await simpleWebAuthnAccepts(genuine)).toBe(true);
    expect(verifyApprovalProof(REQUEST, genuine, { ...CTX, requireUserVerification: true }).ok).toBe(true);
  });

  it('a genuine rejection verifies as a rejection', async () => {
    const rejection = await approveWithPasskey(bob, 'reject', REQUEST, 'Bob Approver');
    expect(code(verifyApprovalProof(REQUEST, rejection, CTX))).toBe('ok');
    expect(await simpleWebAuthnAccepts(rejection)).toBe(true);
  });

  it.each([
    ['amount', { outputs: [{ ...REQUEST.outputs[0]!, amount: '150000001' }, REQUEST.outputs[1]!] }],
    ['address', { outputs: [{ ...REQUEST.outputs[0]!, address: 'bcrt1qattackeraddress0000000000000000000000' }, REQUEST.outputs[1]!] }],
    ['dropped output', { outputs: [REQUEST.outputs[0]!] }],
    ['fee cap', { feeCap: '250000' }],
    ['policy version', { policyVersion: 2 }],
    ['policy hash', { policyHash: 'cd'.repeat(32) }],
    ['wallet', { walletId: 'another-wallet' }],
    ['network', { network: 'mainnet' as const }],
  ])('a changed %s in the request fails with challenge_mismatch (both verifiers)', async (_label, patch) => {
    const tampered = { ...REQUEST, ...patch };
    expect(code(verifyApprovalProof(tampered, genuine, CTX))).toBe('challenge_mismatch');
    expect(await simpleWebAuthnAccepts(genuine, tampered)).toBe(false);
  });

  it('a rejection replayed as an approval fails with decision_mismatch', async () => {
    const rejection = await approveWithPasskey(alice, 'reject');
    const replayed = { ...rejection, decision: 'approve' as const };
    const verdict = verifyApprovalProof(REQUEST, replayed, CTX);
    expect(verdict).toMatchObject({ ok: false, reason: { code: 'decision_mismatch' } });
    expect(await simpleWebAuthnAccepts(replayed)).toBe(false);
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, decision: 'reject' }, CTX))).toBe('decision_mismatch');
  });

  it('an approval of another request fails', async () => {
    const other = await approveWithPasskey(alice, 'approve', { ...REQUEST, requestId: 'another-request' });
    expect(code(verifyApprovalProof(REQUEST, other, CTX))).toBe('challenge_mismatch');
  });

  it('a wrong origin fails with origin_mismatch (genuinely signed on another site)', async () => {
    const phishing = new SoftAuthenticator('https://keystead.example.evil.test');
    phishing.credentials.push(alice.authenticator.credentials.at(-1)!);
    const proof = await approveWithPasskey({ ...alice, authenticator: phishing }, 'approve');
    expect(code(verifyApprovalProof(REQUEST, proof, CTX))).toBe('origin_mismatch');
    expect(await simpleWebAuthnAccepts(proof)).toBe(false);
    expect(code(verifyApprovalProof(REQUEST, genuine, { ...CTX, origins: ['https://other.example'] }))).toBe('origin_mismatch');
    expect(code(verifyApprovalProof(REQUEST, proof, { ...CTX, origins: [ORIGIN, 'https://keystead.example.evil.test'] }))).toBe('ok');
  });

  it('a wrong RP ID fails with rp_id_mismatch', async () => {
    expect(code(verifyApprovalProof(REQUEST, genuine, { ...CTX, rpId: 'other.example' }))).toBe('rp_id_mismatch');
    expect(await simpleWebAuthnAccepts(genuine, REQUEST, { ...CTX, rpId: 'other.example' })).toBe(false);
    const elsewhere = await assertion(genuine, es256Signer(alice.secretKey), { authData: authData({ rpId: 'evil.example' }) });
    expect(code(verifyApprovalProof(REQUEST, elsewhere, CTX))).toBe('rp_id_mismatch');
    expect(await simpleWebAuthnAccepts(elsewhere)).toBe(false);
  });

  it('UP cleared fails with user_not_present, even when validly signed', async () => {
    const noUp = await assertion(genuine, es256Signer(alice.secretKey), { authData: authData({ flags: 0x04 }) });
    expect(code(verifyApprovalProof(REQUEST, noUp, CTX))).toBe('user_not_present');
    expect(await simpleWebAuthnAccepts(noUp)).toBe(false);
    // The same tampering on the stored bytes (not re-signed) still reports the flag first.
    const ad = fromBase64url(genuine.authenticatorData)!;
    ad[32] = ad[32]! & ~0x01;
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, authenticatorData: toBase64url(ad) }, CTX))).toBe('user_not_present');
  });

  it('UV is reported, and required on request', async () => {
    const upOnly = await assertion(genuine, es256Signer(alice.secretKey), { authData: authData({ flags: 0x01, counter: 0 }) });
    expect(verifyApprovalProof(REQUEST, upOnly, CTX)).toEqual({ ok: true, algorithm: 'ES256', userVerified: false, signCount: 0 });
    expect(code(verifyApprovalProof(REQUEST, upOnly, { ...CTX, requireUserVerification: true }))).toBe('user_not_verified');
    expect(await simpleWebAuthnAccepts(upOnly)).toBe(true);
  });

  it('a flipped bit in the signature, authenticatorData or clientDataJSON fails', async () => {
    const sig = fromBase64url(genuine.signature)!;
    for (const i of [sig.length - 1, sig.length - 20, 10]) {
      const flipped = sig.slice();
      flipped[i]! ^= 0x01;
      const proof = { ...genuine, signature: toBase64url(flipped) };
      expect(['signature_invalid', 'signature_malformed'], `byte ${i}`).toContain(code(verifyApprovalProof(REQUEST, proof, CTX)));
      expect(await simpleWebAuthnAccepts(proof)).toBe(false);
    }
    const ad = fromBase64url(genuine.authenticatorData)!;
    ad[36]! ^= 0x01; // signature counter
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, authenticatorData: toBase64url(ad) }, CTX))).toBe('signature_invalid');
    const cd = JSON.parse(new TextDecoder().decode(fromBase64url(genuine.clientDataJSON)!));
    const reserialised = toBase64url(utf8ToBytes(JSON.stringify({ ...cd, extra: 'x' })));
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, clientDataJSON: reserialised }, CTX))).toBe('signature_invalid');
  });

  it("another user's public key fails with signature_invalid", async () => {
    const swapped = { ...genuine, publicKeyCose: bob.publicKeyCose };
    expect(code(verifyApprovalProof(REQUEST, swapped, CTX))).toBe('signature_invalid');
    expect(await simpleWebAuthnAccepts(swapped)).toBe(false);
  });

  it('truncated or garbage authenticatorData fails with auth_data_malformed', async () => {
    const ad = fromBase64url(genuine.authenticatorData)!;
    for (const bytes of [ad.subarray(0, 36), ad.subarray(0, 1), crypto.getRandomValues(new Uint8Array(20))]) {
      const proof = { ...genuine, authenticatorData: toBase64url(bytes) };
      expect(code(verifyApprovalProof(REQUEST, proof, CTX))).toBe('auth_data_malformed');
      expect(await simpleWebAuthnAccepts(proof)).toBe(false);
    }
    const trailing = await assertion(genuine, es256Signer(alice.secretKey), { authData: concat(authData(), Uint8Array.of(0)) });
    expect(code(verifyApprovalProof(REQUEST, trailing, CTX))).toBe('auth_data_malformed');
    const withAt = await assertion(genuine, es256Signer(alice.secretKey), { authData: authData({ flags: 0x45 }) });
    expect(code(verifyApprovalProof(REQUEST, withAt, CTX))).toBe('auth_data_malformed');
    const bsWithoutBe = await assertion(genuine, es256Signer(alice.secretKey), { authData: authData({ flags: 0x15 }) });
    expect(code(verifyApprovalProof(REQUEST, bsWithoutBe, CTX))).toBe('auth_data_malformed');
    const badExtensions = await assertion(genuine, es256Signer(alice.secretKey), { authData: authData({ flags: 0x85, tail: Uint8Array.of(0xa1, 0x01) }) });
    expect(code(verifyApprovalProof(REQUEST, badExtensions, CTX))).toBe('auth_data_malformed');
  });

  it('authenticator extensions (ED flag) are accepted when well formed', async () => {
    const ext = isoCBOR.encode(new Map([['credProtect', 2]]) as never);
    const proof = await assertion(genuine, es256Signer(alice.secretKey), { authData: authData({ flags: 0x85, tail: ext }) });
    expect(code(verifyApprovalProof(REQUEST, proof, CTX))).toBe('ok');
    expect(await simpleWebAuthnAccepts(proof)).toBe(true);
  });

  it('malformed COSE fails with cose_malformed / cose_unsupported', async () => {
    const cose = fromBase64url(genuine.publicKeyCose)!;
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, publicKeyCose: toBase64url(cose.subarray(0, cose.length - 5)) }, CTX))).toBe('cose_malformed');
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, publicKeyCose: toBase64url(Uint8Array.of(0xde, 0xad, 0xbe, 0xef)) }, CTX))).toBe('cose_malformed');
    const offCurve = decodeCbor(cose) as Map<number, unknown>;
    const y = (offCurve.get(-3) as Uint8Array).slice();
    y[31]! ^= 1;
    offCurve.set(-3, y);
    const offCurveProof = { ...genuine, publicKeyCose: toBase64url(isoCBOR.encode(offCurve as never)) };
    expect(code(verifyApprovalProof(REQUEST, offCurveProof, CTX))).toBe('public_key_malformed');
    expect(await simpleWebAuthnAccepts(offCurveProof)).toBe(false);
    const es384 = decodeCbor(cose) as Map<number, unknown>;
    es384.set(3, -35);
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, publicKeyCose: toBase64url(isoCBOR.encode(es384 as never)) }, CTX))).toBe('cose_unsupported');
  });

  it('clientDataJSON: wrong type, not JSON, missing fields, cross-origin', async () => {
    const sign = es256Signer(alice.secretKey);
    const base = { type: 'webauthn.get', challenge: challengeFor('approve'), origin: ORIGIN };
    const create = await assertion(genuine, sign, { clientData: { ...base, type: 'webauthn.create' } });
    expect(code(verifyApprovalProof(REQUEST, create, CTX))).toBe('client_data_type');
    expect(await simpleWebAuthnAccepts(create)).toBe(false);
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, clientDataJSON: toBase64url(utf8ToBytes('{"type":')) }, CTX))).toBe('client_data_malformed');
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, clientDataJSON: toBase64url(Uint8Array.of(0xff, 0xfe)) }, CTX))).toBe('client_data_malformed');
    const noOrigin = await assertion(genuine, sign, { clientData: { type: 'webauthn.get', challenge: base.challenge } });
    expect(code(verifyApprovalProof(REQUEST, noOrigin, CTX))).toBe('client_data_malformed');
    // Stricter than @simplewebauthn (which accepts crossOrigin: true without topOrigin): Keystead is never framed.
    const framed = await assertion(genuine, sign, { clientData: { ...base, crossOrigin: true } });
    expect(code(verifyApprovalProof(REQUEST, framed, CTX))).toBe('cross_origin');
    expect(code(verifyApprovalProof(REQUEST, await assertion(genuine, sign, { clientData: base }), CTX))).toBe('ok');
  });

  it('ECDSA encodings: high S accepted (parity), non-strict DER refused', async () => {
    const data = concat(fromBase64url(genuine.authenticatorData)!, sha256(fromBase64url(genuine.clientDataJSON)!));
    const low = p256.Signature.fromBytes(p256.sign(data, alice.secretKey), 'compact');
    const high = new p256.Signature(low.r, p256.Point.Fn.ORDER - low.s).toBytes('der');
    const highProof = { ...genuine, signature: toBase64url(high) };
    expect(code(verifyApprovalProof(REQUEST, highProof, CTX))).toBe('ok');
    expect(await simpleWebAuthnAccepts(highProof)).toBe(true);
    const compact = { ...genuine, signature: toBase64url(low.toBytes('compact')) };
    expect(code(verifyApprovalProof(REQUEST, compact, CTX))).toBe('signature_malformed');
    const der = fromBase64url(genuine.signature)!;
    const padded = concat(Uint8Array.of(0x30, der[1]! + 1, 0x02, der[3]! + 1, 0x00), der.subarray(4)); // r with a superfluous 00
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, signature: toBase64url(padded) }, CTX))).toBe('signature_malformed'); // always non-minimal
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, signature: toBase64url(concat(der, Uint8Array.of(0))) }, CTX))).toBe('signature_malformed');
  });

  it('a malformed proof object is reported, not thrown', () => {
    expect(code(verifyApprovalProof(REQUEST, null, CTX))).toBe('malformed_proof');
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, signature: 'not base64url!' }, CTX))).toBe('malformed_proof');
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, authenticatorData: `${genuine.authenticatorData}=` }, CTX))).toBe('malformed_proof');
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, at: 'yesterday' }, CTX))).toBe('malformed_proof');
    expect(code(verifyApprovalProof(REQUEST, { ...genuine, principal: { kind: 'api_key', id: 'x', name: 'x' } }, CTX))).toBe('malformed_proof');
    expect(code(verifyApprovalProof({ ...REQUEST, feeCap: 5 as unknown as string }, genuine, CTX))).toBe('request_invalid');
  });
});

// ---------------------------------------------------------------------------------------------
// EdDSA and RS256 passkeys (hand-built authenticators; checked against @simplewebauthn too)

describe('passkey approval (EdDSA and RS256)', () => {
  it('EdDSA (COSE OKP, Ed25519) verifies, tampering fails', async () => {
    const secret = ed25519.utils.randomSecretKey();
    const cose = isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 1], [3, -8], [-1, 6], [-2, ed25519.getPublicKey(secret)]]) as never);
    const base = { ...genuine, publicKeyCose: toBase64url(cose) };
    const proof = await assertion(base, (data) => ed25519.sign(data, secret));
    expect(verifyApprovalProof(REQUEST, proof, CTX)).toEqual({ ok: true, algorithm: 'EdDSA', userVerified: true, signCount: 7 });
    expect(await simpleWebAuthnAccepts(proof)).toBe(true);
    expect(code(verifyApprovalProof({ ...REQUEST, feeCap: '1' }, proof, CTX))).toBe('challenge_mismatch');
    const sig = fromBase64url(proof.signature)!;
    sig[5]! ^= 0x40;
    expect(code(verifyApprovalProof(REQUEST, { ...proof, signature: toBase64url(sig) }, CTX))).toBe('signature_invalid');
    expect(code(verifyApprovalProof(REQUEST, { ...proof, signature: toBase64url(sig.subarray(1)) }, CTX))).toBe('signature_malformed');
  });

  it('RS256 (COSE RSA, PKCS#1 v1.5) verifies against WebCrypto-made signatures, tampering fails', async () => {
    const keys = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
    const cose = isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 3], [3, -257], [-1, fromBase64url(jwk.n!)!], [-2, fromBase64url(jwk.e!)!]]) as never);
    const base = { ...genuine, publicKeyCose: toBase64url(cose) };
    const sign: Signer = async (data) => new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', keys.privateKey, data as BufferSource));
    const proof = await assertion(base, sign);
    expect(verifyApprovalProof(REQUEST, proof, CTX)).toEqual({ ok: true, algorithm: 'RS256', userVerified: true, signCount: 7 });
    expect(await simpleWebAuthnAccepts(proof)).toBe(true);

    const sig = fromBase64url(proof.signature)!;
    for (const i of [0, 100, 255]) {
      const flipped = sig.slice();
      flipped[i]! ^= 0x01;
      expect(['signature_invalid', 'signature_malformed']).toContain(code(verifyApprovalProof(REQUEST, { ...proof, signature: toBase64url(flipped) }, CTX)));
    }
    expect(code(verifyApprovalProof(REQUEST, { ...proof, signature: toBase64url(sig.subarray(1)) }, CTX))).toBe('signature_malformed');
    expect(code(verifyApprovalProof(REQUEST, { ...proof, signature: toBase64url(new Uint8Array(256).fill(0xff)) }, CTX))).toBe('signature_malformed');
    const rejected = await assertion({ ...base, decision: 'reject' }, sign);
    expect(code(verifyApprovalProof(REQUEST, { ...rejected, decision: 'approve' }, CTX))).toBe('decision_mismatch');
    // A signature by another RSA key over the same data.
    const other = (await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' }, true, ['sign'])) as CryptoKeyPair;
    const forged = await assertion(base, async (data) => new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', other.privateKey, data as BufferSource)));
    expect(['signature_invalid', 'signature_malformed']).toContain(code(verifyApprovalProof(REQUEST, forged, CTX)));
  });

  it('RS256: a PKCS#1 block with the wrong hash (SHA-384 DigestInfo) does not pass', async () => {
    const keys = (await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-384' }, true, ['sign'])) as CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
    const cose = isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 3], [3, -257], [-1, fromBase64url(jwk.n!)!], [-2, fromBase64url(jwk.e!)!]]) as never);
    const proof = await assertion({ ...genuine, publicKeyCose: toBase64url(cose) }, async (data) => new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', keys.privateKey, data as BufferSource)));
    expect(code(verifyApprovalProof(REQUEST, proof, CTX))).toBe('signature_invalid');
  });
});

// ---------------------------------------------------------------------------------------------
// Bundles and the CLI

async function makeBundle(): Promise<ApprovalProofBundle> {
  const amlSecret = p256.utils.randomSecretKey();
  const digest = approvalDigest({ ...REQUEST, decision: 'approve' });
  return JSON.parse(
    JSON.stringify({
      format: APPROVAL_BUNDLE_FORMAT,
      request: REQUEST,
      rpId: RP_ID,
      origins: [ORIGIN],
      approvals: [
        genuine,
        await approveWithPasskey(bob, 'approve', REQUEST, 'Bob Approver'),
        {
          kind: 'api_key',
          principal: { kind: 'api_key', id: 'ak_aml', name: 'AML screening' },
          decision: 'approve',
          algorithm: 'p256',
          publicKey: toBase64url(apiKeyPublicKey('p256', amlSecret)),
          signature: toBase64url(signApprovalWithApiKey(digest, 'p256', amlSecret)),
          at: '2026-11-25T12:01:00Z',
        },
      ],
    }),
  );
}

function bundleError(input: unknown): ApprovalBundleError {
  try {
    parseApprovalProofBundle(input);
  } catch (error) {
    if (error instanceof ApprovalBundleError) return error;
    throw error;
  }
  throw new Error('parsed without error');
}

describe('approval bundles', () => {
  it('every approval of an exported request verifies (after a JSON round trip)', async () => {
    const result = verifyApprovalBundle(await makeBundle());
    expect(result.results.map((r) => code(r.verdict))).toEqual(['ok', 'ok', 'ok']);
    expect(result.ok).toBe(true);
    expect(result.verified).toEqual({ approve: ['user:user-alice', 'user:user-bob', 'api_key:ak_aml'], reject: [] });
    expect(result.digests.approve).toBe(Buffer.from(approvalDigest({ ...REQUEST, decision: 'approve' })).toString('hex'));
  });

  it('a tampered request fails every approval; a bad entry fails alone', async () => {
    const bundle = await makeBundle();
    const tampered = verifyApprovalBundle({ ...bundle, request: { ...bundle.request, feeCap: '999999' } });
    expect(tampered.ok).toBe(false);
    expect(tampered.results.map((r) => code(r.verdict))).toEqual(['challenge_mismatch', 'challenge_mismatch', 'signature_invalid']);
    const oneBad = verifyApprovalBundle({ ...bundle, approvals: [...bundle.approvals.slice(0, 2), { ...bundle.approvals[2], signature: 'AA' }] });
    expect(oneBad.results.map((r) => code(r.verdict))).toEqual(['ok', 'ok', 'signature_malformed']);
    expect(oneBad.verified.approve).toEqual(['user:user-alice', 'user:user-bob']);
    expect(verifyApprovalBundle({ ...bundle, approvals: [] }).ok).toBe(false);
    const dup = verifyApprovalBundle({ ...bundle, approvals: [genuine, genuine] });
    expect(dup.ok).toBe(true);
    expect(dup.verified.approve).toEqual(['user:user-alice']);
  });

  it('an unreadable export is a typed error', async () => {
    const bundle = await makeBundle();
    expect(bundleError('hello')).toMatchObject({ code: 'bundle_malformed', path: '$' });
    expect(bundleError({ ...bundle, format: 'keystead.approval-proofs/2' })).toMatchObject({ code: 'bundle_format' });
    expect(bundleError({ ...bundle, rpId: undefined })).toMatchObject({ code: 'bundle_malformed', path: '$.rpId' });
    expect(bundleError({ ...bundle, origins: [] })).toMatchObject({ code: 'bundle_malformed', path: '$.origins' });
    expect(bundleError({ ...bundle, origins: ['keystead.example'] })).toMatchObject({ code: 'bundle_malformed', path: '$.origins[0]' });
    expect(bundleError({ ...bundle, approvals: [1] })).toMatchObject({ code: 'bundle_malformed', path: '$.approvals[0]' });
    expect(bundleError({ ...bundle, extra: true })).toMatchObject({ code: 'bundle_malformed', path: '$.extra' });
    expect(bundleError({ ...bundle, request: { ...bundle.request, decision: 'approve' } })).toMatchObject({ code: 'request_invalid', path: '$.request.decision' });
    expect(bundleError({ ...bundle, request: { ...bundle.request, outputs: [{ address: 'x', amount: 5 }] } })).toMatchObject({ code: 'request_invalid', path: '$.request.outputs[0].amount' });
  });
});

describe('scripts/verify-approvals.ts', () => {
  it('prints a table and exits 0 / 1 / 2', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runVerifyApprovals } = await import('@/scripts/verify-approvals');
    const dir = mkdtempSync(join(tmpdir(), 'approvals-'));
    const bundle = await makeBundle();
    const run = (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const exit = runVerifyApprovals(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
      return { exit, out: out.join('\n'), err: err.join('\n') };
    };

    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(bundle));
    const ok = run([good]);
    expect(ok.exit).toBe(0);
    expect(ok.out).toMatch(/Alice Approver <user:user-alice>\s+approve\s+OK\s+ES256, UV, signCount 1/);
    expect(ok.out).toMatch(/AML screening <api_key:ak_aml>\s+approve\s+OK\s+p256/);
    expect(ok.out).toContain('RESULT: OK (3 approvals verified');

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...bundle, request: { ...bundle.request, outputs: [{ ...bundle.request.outputs[0]!, amount: '150000001' }, bundle.request.outputs[1]!] } }));
    const failed = run([bad]);
    expect(failed.exit).toBe(1);
    expect(failed.out).toMatch(/FAIL\s+challenge_mismatch/);
    expect(failed.out).toContain('RESULT: FAIL (3 of 3 approvals do not verify)');
    expect(JSON.parse(run([bad, '--json']).out).ok).toBe(false);

    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"format":');
    expect(run([notJson])).toMatchObject({ exit: 2, err: expect.stringContaining('error [not_json]') });
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ format: 'something-else' }));
    expect(run([wrong])).toMatchObject({ exit: 2, err: expect.stringContaining('error [bundle_format]') });
    expect(run([join(dir, 'missing.json')])).toMatchObject({ exit: 2, err: expect.stringContaining('error [file_unreadable]') });
    expect(run([])).toMatchObject({ exit: 2, err: expect.stringContaining('usage:') });
    expect(run([good, '--frobnicate']).exit).toBe(2);
  });

  it('runs as a command with tsx and sets the exit code', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'approvals-cli-'));
    const TSX = join('node_modules', '.bin', 'tsx'); // what `npx tsx` runs, without npx's start-up
    const file = join(dir, 'bundle.json');
    writeFileSync(file, JSON.stringify(await makeBundle()));
    const out = execFileSync(TSX, ['scripts/verify-approvals.ts', file], { encoding: 'utf8' });
    expect(out).toContain('RESULT: OK');
    writeFileSync(file, JSON.stringify({ ...(await makeBundle()), rpId: 'other.example' }));
    let status = 0;
    try {
      execFileSync(TSX, ['scripts/verify-approvals.ts', file], { encoding: 'utf8' });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).toBe(1);
  });
});
