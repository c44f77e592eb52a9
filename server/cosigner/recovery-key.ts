/**
 * The service recovery key's public half: RSA-OAEP (RFC 8017 §7.1) 3072-bit, published as a DER
 * SubjectPublicKeyInfo (RFC 5280 §4.1, RSA key per RFC 8017 A.1.1) so browsers can seal recovery
 * boxes with WebCrypto `importKey('spki', …)`.
 */
import { createHash, createPublicKey, publicEncrypt, constants } from 'node:crypto';
import { parseBase64, toHex } from './codec';
import { CoSignerError } from './errors';
import type { OaepHash } from './types';

export const RECOVERY_KEY_BITS = 3072;
const NODE_OAEP_HASH: Readonly<Record<OaepHash, string>> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256' };

/** SPKI DER from the raw big-endian modulus and public exponent (e.g. CKA_MODULUS, CKA_PUBLIC_EXPONENT). */
export function spkiFromRsaComponents(modulus: Uint8Array, publicExponent: Uint8Array): Buffer {
  const jwk = { kty: 'RSA', n: Buffer.from(stripLeadingZeros(modulus)).toString('base64url'), e: Buffer.from(stripLeadingZeros(publicExponent)).toString('base64url') };
  return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
}

/** Hex of the first 16 bytes of SHA-256(SPKI DER): stable for as long as the key exists. */
export function recoveryKeyId(spki: Uint8Array): string {
  return toHex(createHash('sha256').update(spki).digest().subarray(0, 16));
}

export function rsaModulusBits(spki: Uint8Array): number {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  return key.asymmetricKeyDetails?.modulusLength ?? 0;
}

/** Software RSA-OAEP encryption with the public key: what the browser does, used by the self-test. */
export function sealToRecoveryKey(spki: Uint8Array, hash: OaepHash, plaintext: Uint8Array): Buffer {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: NODE_OAEP_HASH[hash] }, plaintext);
}

export function nodeOaepHash(hash: OaepHash): string {
  return NODE_OAEP_HASH[hash];
}

/** A box is exactly one modulus-sized block of canonical base64. */
export function parseRecoveryBox(ciphertextB64: string, modulusBytes: number): Buffer {
  const bytes = typeof ciphertextB64 === 'string' && ciphertextB64.length <= 4 * modulusBytes ? parseBase64(ciphertextB64) : null;
  if (!bytes || bytes.length !== modulusBytes) {
    throw new CoSignerError('RECOVERY_BOX_INVALID', `Recovery box must be ${modulusBytes} bytes of canonical base64.`);
  }
  return bytes;
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}
