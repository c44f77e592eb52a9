/**
 * Box 4 of the key card: the wallet password encrypted to Keystead's recovery key, so the
 * recovery service (holding the RSA private key in an HSM) can help a customer who lost the
 * password, while never seeing any private Bitcoin key (those stay in Boxes 1 and 2).
 * - RSAES-OAEP, RFC 8017 §7.1, via WebCrypto (`importKey('spki')` + `encrypt`), MGF1 with the
 *   same hash, empty label. SHA-1 is allowed because SoftHSM 2.6 only decrypts OAEP with SHA-1
 *   (OAEP's security does not rest on SHA-1 collision resistance); the hash is recorded in the
 *   box so a production HSM can use SHA-256.
 * - Keys below 3072 bits (NIST SP 800-57 Part 1, 128-bit security) are refused.
 * The password is NFKC-normalized first, exactly as envelope.ts does, so what the recovery
 * service decrypts opens Boxes 1 and 2 as is. Output: { alg, hash, keyId, ct } with ct standard
 * base64 (RFC 4648 §4), the same flavour as envelope.ts.
 */
import { base64, base64urlnopad } from '@scure/base';
import { CryptoError } from './errors';

export type RecoveryOaepHash = 'SHA-1' | 'SHA-256';

export interface RecoveryPublicKey {
  /** Identifies which recovery key pair was used (rotation). */
  readonly keyId: string;
  /** base64 (RFC 4648 §4) of the DER SubjectPublicKeyInfo of an RSA public key. */
  readonly spki: string;
  readonly hash: RecoveryOaepHash;
}

export interface RecoveryBox {
  readonly alg: 'RSA-OAEP';
  readonly hash: RecoveryOaepHash;
  readonly keyId: string;
  /** base64 of the RSA-OAEP ciphertext (modulus-sized). */
  readonly ct: string;
}

export const MIN_RECOVERY_KEY_BITS = 3072;
const MAX_RECOVERY_KEY_BITS = 16_384;
const MAX_SPKI_CHARS = 4096;
const HASH_BYTES: Record<RecoveryOaepHash, number> = { 'SHA-1': 20, 'SHA-256': 32 };

export async function encryptPasswordForRecovery(password: string, recoveryKey: RecoveryPublicKey): Promise<RecoveryBox> {
  if (typeof password !== 'string' || password.length === 0) throw new TypeError('password must be a non-empty string');
  const { keyId, spki, hash } = recoveryKey;
  if (typeof keyId !== 'string' || keyId.length === 0 || keyId.length > 128) throw new TypeError('recoveryKey.keyId must be 1..128 characters');
  if (!Object.hasOwn(HASH_BYTES, hash)) throw new TypeError("recoveryKey.hash must be 'SHA-1' or 'SHA-256'");
  const key = await importRecoveryKey(spki, hash);
  const modulusBits = await rsaModulusBits(key);
  if (modulusBits < MIN_RECOVERY_KEY_BITS) throw new CryptoError('RECOVERY_KEY_TOO_SMALL', `This key has ${modulusBits} bits.`);
  if (modulusBits > MAX_RECOVERY_KEY_BITS) throw new CryptoError('INVALID_RECOVERY_KEY', `This key has ${modulusBits} bits.`);
  const plaintext = new TextEncoder().encode(password.normalize('NFKC'));
  try {
    // RFC 8017 §7.1.1: the message may be at most k - 2hLen - 2 bytes.
    if (plaintext.length > Math.floor(modulusBits / 8) - 2 * HASH_BYTES[hash] - 2) throw new CryptoError('PASSWORD_TOO_LONG');
    const ct = await subtle().encrypt({ name: 'RSA-OAEP' }, key, plaintext);
    return Object.freeze({ alg: 'RSA-OAEP', hash, keyId, ct: base64.encode(new Uint8Array(ct)) });
  } finally {
    plaintext.fill(0);
  }
}

async function importRecoveryKey(spki: string, hash: RecoveryOaepHash): Promise<CryptoKey> {
  if (typeof spki !== 'string' || spki.length > MAX_SPKI_CHARS) throw new CryptoError('INVALID_RECOVERY_KEY', 'The key is missing or too long.');
  let der: Uint8Array<ArrayBuffer>;
  try {
    der = new Uint8Array(base64.decode(spki));
  } catch (cause) {
    throw new CryptoError('INVALID_RECOVERY_KEY', 'The key is not valid base64.', { cause });
  }
  try {
    return await subtle().importKey('spki', der, { name: 'RSA-OAEP', hash }, true, ['encrypt']);
  } catch (cause) {
    throw new CryptoError('INVALID_RECOVERY_KEY', undefined, { cause });
  }
}

/** Exact bit length of the modulus, read from the exported JWK `n` (unsigned big-endian, base64url). */
async function rsaModulusBits(key: CryptoKey): Promise<number> {
  const { n } = await subtle().exportKey('jwk', key);
  if (!n) throw new CryptoError('INVALID_RECOVERY_KEY', 'The key has no RSA modulus.');
  const bytes = base64urlnopad.decode(n);
  const first = bytes.findIndex((b) => b !== 0);
  if (first < 0) throw new CryptoError('INVALID_RECOVERY_KEY', 'The RSA modulus is zero.');
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first]!));
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new CryptoError('CRYPTO_UNAVAILABLE');
  return s;
}
