/**
 * Signature checks for approval proofs, independent of @simplewebauthn:
 * - passkeys: ES256 (DER-encoded ECDSA P-256/SHA-256), EdDSA (Ed25519) and RS256
 *   (RSASSA-PKCS1-v1_5 with SHA-256, verified by recomputing the full encoded message);
 * - API keys: Ed25519 or ECDSA P-256 over the 32-byte approval digest (docs/approval-proofs.md §3).
 * Pure and isomorphic (@noble/curves, @noble/hashes, bigint arithmetic; no WebCrypto, no Buffer).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { CosePublicKey } from './cose';
import { bigIntToBytes, bytesEqual, bytesToBigInt, concat } from './encoding';

export type SignatureErrorCode = 'public_key_malformed' | 'signature_malformed' | 'signature_invalid';

/** A check that failed for a stated reason (never thrown for bad input: returned). */
export type SignatureCheck = { ok: true } | { ok: false; code: SignatureErrorCode; message: string };

const fail = (code: SignatureErrorCode, message: string): SignatureCheck => ({ ok: false, code, message });
const OK: SignatureCheck = { ok: true };

// ---------------------------------------------------------------------------------------------
// DER ECDSA signatures (WebAuthn ES256, X.690 DER: SEQUENCE { INTEGER r, INTEGER s })

/** Strict DER → 64-byte r||s. Returns undefined for anything but minimal, exact DER. */
export function derToCompactP256(der: Uint8Array): Uint8Array | undefined {
  if (der.length < 8 || der.length > 72 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  let pos = 2;
  const out = new Uint8Array(64);
  for (const slot of [0, 32]) {
    if (der[pos] !== 0x02) return undefined;
    const len = der[pos + 1]!;
    pos += 2;
    if (len < 1 || len > 33 || pos + len > der.length) return undefined;
    let int = der.subarray(pos, pos + len);
    pos += len;
    if (int[0]! & 0x80) return undefined; // negative
    if (int[0] === 0 && len > 1 && !(int[1]! & 0x80)) return undefined; // non-minimal
    if (int[0] === 0 && len > 1) int = int.subarray(1);
    if (int.length > 32) return undefined;
    out.set(int, slot + 32 - int.length);
  }
  return pos === der.length ? out : undefined;
}

// ---------------------------------------------------------------------------------------------
// Primitive verifiers

function p256Point(publicKey: Uint8Array): SignatureCheck {
  try {
    p256.Point.fromBytes(publicKey).assertValidity();
    return OK;
  } catch (error) {
    return fail('public_key_malformed', `not a valid P-256 point: ${(error as Error).message}`);
  }
}

/** ECDSA P-256 with SHA-256 of `message`; `compact` is r||s; high-S accepted (WebCrypto and authenticators produce it). */
function verifyP256(compact: Uint8Array, message: Uint8Array, publicKey: Uint8Array): SignatureCheck {
  const key = p256Point(publicKey);
  if (!key.ok) return key;
  let valid: boolean;
  try {
    p256.Signature.fromBytes(compact, 'compact'); // range checks r, s in [1, n-1]
    valid = p256.verify(compact, message, publicKey, { prehash: true, lowS: false, format: 'compact' });
  } catch (error) {
    return fail('signature_malformed', `ECDSA signature out of range: ${(error as Error).message}`);
  }
  return valid ? OK : fail('signature_invalid', 'ECDSA P-256 signature does not verify');
}

function ed25519Point(publicKey: Uint8Array): SignatureCheck {
  if (publicKey.length !== 32) return fail('public_key_malformed', `Ed25519 public key is ${publicKey.length} bytes, expected 32`);
  try {
    const point = ed25519.Point.fromBytes(publicKey, false);
    if (point.isSmallOrder()) return fail('public_key_malformed', 'Ed25519 public key has small order');
    return OK;
  } catch (error) {
    return fail('public_key_malformed', `not a valid Ed25519 point: ${(error as Error).message}`);
  }
}

/** RFC 8032 Ed25519 with strict (non-ZIP-215) decoding; small-order keys refused. */
function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): SignatureCheck {
  const key = ed25519Point(publicKey);
  if (!key.ok) return key;
  if (signature.length !== 64) return fail('signature_malformed', `Ed25519 signature is ${signature.length} bytes, expected 64`);
  let valid: boolean;
  try {
    valid = ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch (error) {
    return fail('signature_malformed', `Ed25519 signature: ${(error as Error).message}`);
  }
  return valid ? OK : fail('signature_invalid', 'Ed25519 signature does not verify');
}

/** DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1), with the NULL parameters. */
const SHA256_DIGEST_INFO = Uint8Array.from([0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]);

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  base %= modulus;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % modulus;
    exponent >>= 1n;
    base = (base * base) % modulus;
  }
  return result;
}

/**
 * RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2) with SHA-256: the expected encoded message
 * EM = 00 01 FF..FF 00 || DigestInfo || H is built and compared whole (no parsing of the
 * decrypted block, so no Bleichenbacher-2006-style leniency). Key sizes are bounded by cose.ts.
 */
function verifyRs256(signature: Uint8Array, message: Uint8Array, nBytes: Uint8Array, eBytes: Uint8Array): SignatureCheck {
  const n = bytesToBigInt(nBytes);
  const e = bytesToBigInt(eBytes);
  const k = Math.ceil(n.toString(2).length / 8);
  if (signature.length !== k) return fail('signature_malformed', `RSA signature is ${signature.length} bytes, modulus is ${k}`);
  const s = bytesToBigInt(signature);
  if (s >= n) return fail('signature_malformed', 'RSA signature representative out of range');
  const em = bigIntToBytes(modPow(s, e, n), k);
  const t = concat(SHA256_DIGEST_INFO, sha256(message));
  if (k < t.length + 11) return fail('public_key_malformed', 'RSA modulus too short');
  const expected = new Uint8Array(k).fill(0xff);
  expected[0] = 0x00;
  expected[1] = 0x01;
  expected[k - t.length - 1] = 0x00;
  expected.set(t, k - t.length);
  return bytesEqual(em, expected) ? OK : fail('signature_invalid', 'RS256 signature does not verify');
}

/** Verifies a WebAuthn assertion signature over `signedData` (authenticatorData || SHA-256(clientDataJSON)). */
export function verifyCoseSignature(key: CosePublicKey, signature: Uint8Array, signedData: Uint8Array): SignatureCheck {
  switch (key.name) {
    case 'ES256': {
      const compact = derToCompactP256(signature);
      if (!compact) return fail('signature_malformed', 'ES256 signature is not a strict DER SEQUENCE of two INTEGERs');
      return verifyP256(compact, signedData, concat(Uint8Array.of(0x04), key.x, key.y));
    }
    case 'EdDSA':
      return verifyEd25519(signature, signedData, key.x);
    case 'RS256':
      return verifyRs256(signature, signedData, key.n, key.e);
  }
}

// ---------------------------------------------------------------------------------------------
// API keys

export const API_KEY_ALGORITHMS = ['ed25519', 'p256'] as const;
export type ApiKeyAlgorithm = (typeof API_KEY_ALGORITHMS)[number];

function checkDigest(digest: Uint8Array): void {
  if (!(digest instanceof Uint8Array) || digest.length !== 32) throw new TypeError('approval digest must be 32 bytes');
}

/**
 * Verifies an API-key approval signature over the 32-byte approval digest:
 * - ed25519: pure Ed25519 (RFC 8032) of the digest; key 32 bytes, signature 64 bytes.
 * - p256: ECDSA P-256 with SHA-256 over the digest (the digest is hashed once more, as
 *   WebCrypto's sign({ name: 'ECDSA', hash: 'SHA-256' }, key, digest) does); key SEC1 33 or 65
 *   bytes; signature 64 bytes r||s (IEEE P1363, WebCrypto's output), high or low S.
 */
export function verifyApiKeySignature(digest: Uint8Array, algorithm: ApiKeyAlgorithm, publicKey: Uint8Array, signature: Uint8Array): SignatureCheck {
  checkDigest(digest);
  switch (algorithm) {
    case 'ed25519':
      return verifyEd25519(signature, digest, publicKey);
    case 'p256': {
      if (publicKey.length !== 33 && publicKey.length !== 65) return fail('public_key_malformed', `P-256 public key is ${publicKey.length} bytes, expected SEC1 33 or 65`);
      if (signature.length !== 64) return fail('signature_malformed', `P-256 signature is ${signature.length} bytes, expected 64 (r||s); convert DER with derToCompactP256`);
      return verifyP256(signature, digest, publicKey);
    }
    default:
      return fail('public_key_malformed', `unknown algorithm ${String(algorithm)}`);
  }
}

/**
 * The SDK way for an API client to sign an approval: `privateKey` is the 32-byte Ed25519 seed or
 * P-256 scalar. Returns the signature bytes in the format verifyApiKeySignature expects
 * (P-256: deterministic RFC 6979, low S, 64-byte r||s).
 */
export function signApprovalWithApiKey(digest: Uint8Array, algorithm: ApiKeyAlgorithm, privateKey: Uint8Array): Uint8Array {
  checkDigest(digest);
  switch (algorithm) {
    case 'ed25519':
      return ed25519.sign(digest, privateKey);
    case 'p256':
      return p256.sign(digest, privateKey, { prehash: true, lowS: true, format: 'compact' });
    default:
      throw new TypeError(`unknown API key algorithm ${String(algorithm)}`);
  }
}

/** The public key to register for an API key (Ed25519: 32 bytes; P-256: 33-byte compressed SEC1). */
export function apiKeyPublicKey(algorithm: ApiKeyAlgorithm, privateKey: Uint8Array): Uint8Array {
  switch (algorithm) {
    case 'ed25519':
      return ed25519.getPublicKey(privateKey);
    case 'p256':
      return p256.getPublicKey(privateKey, true);
    default:
      throw new TypeError(`unknown API key algorithm ${String(algorithm)}`);
  }
}
