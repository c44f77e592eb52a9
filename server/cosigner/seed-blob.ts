/**
 * The wrapped Key #3 seed: a self-describing, capped envelope (STYLE.md §3), stored by the caller.
 *
 *   {"v":1,"kind":"bip32-seed","mech":"CKM_AES_GCM","kid":"<32 hex>","iv":"<b64 12 bytes>","ct":"<b64>"}
 *
 * - mech: AES-256-GCM (NIST SP 800-38D), 96-bit IV from the backend's RNG, 128-bit tag appended
 *   to ct. "CKM_AES_GCM" = done inside a PKCS#11 token; "AES-256-GCM" = the software keystore.
 * - kid: CKA_ID (PKCS#11) or keystore id of the wrapping key, so a blob names the key it needs
 *   and a blob from another token fails as KEY_NOT_FOUND, not as a puzzling tag mismatch.
 * - The additional authenticated data binds the blob to its purpose and network
 *   (`keystead:cosigner:v1:bip32-seed:<network>`): a testnet blob cannot be replayed as mainnet.
 */
import { z } from 'zod';
import { isLowerHex, parseBase64, toBase64 } from './codec';
import { CoSignerError } from './errors';
import type { BitcoinNetwork, WrapMechanism } from './types';

export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;
/** BIP32 allows 128- to 512-bit seeds; Keystead creates 256-bit ones. */
export const SEED_BYTES = 32;
const MIN_SEED_BYTES = 16;
const MAX_SEED_BYTES = 64;
/** Hard cap on the serialized blob, checked before JSON.parse. */
const MAX_BLOB_CHARS = 512;

const WrappedSeedSchema = z.strictObject({
  v: z.literal(1),
  kind: z.literal('bip32-seed'),
  mech: z.enum(['CKM_AES_GCM', 'AES-256-GCM']),
  kid: z.string().refine((s) => isLowerHex(s, 16), 'must be 32 lowercase hex characters'),
  iv: z.string().refine((s) => parseBase64(s)?.length === GCM_IV_BYTES, `must be ${GCM_IV_BYTES} bytes of base64`),
  ct: z.string().refine((s) => {
    const n = parseBase64(s)?.length ?? 0;
    return n >= MIN_SEED_BYTES + GCM_TAG_BYTES && n <= MAX_SEED_BYTES + GCM_TAG_BYTES;
  }, 'must be base64 of a 16-64 byte seed plus a 16-byte tag'),
});

export interface WrappedSeed {
  readonly mech: WrapMechanism;
  readonly kid: string;
  readonly iv: Buffer;
  readonly ct: Buffer;
}

export function seedAad(network: BitcoinNetwork): Buffer {
  return Buffer.from(`keystead:cosigner:v1:bip32-seed:${network}`, 'utf8');
}

export function serializeWrappedSeed(blob: WrappedSeed): string {
  return JSON.stringify({ v: 1, kind: 'bip32-seed', mech: blob.mech, kid: blob.kid, iv: toBase64(blob.iv), ct: toBase64(blob.ct) });
}

export function parseWrappedSeed(wrapped: string): WrappedSeed {
  if (typeof wrapped !== 'string' || wrapped.length > MAX_BLOB_CHARS) {
    throw new CoSignerError('BLOB_INVALID', `Wrapped seed is not a string of at most ${MAX_BLOB_CHARS} characters.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(wrapped);
  } catch (cause) {
    throw new CoSignerError('BLOB_INVALID', 'Wrapped seed is not JSON.', { cause });
  }
  const parsed = WrappedSeedSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new CoSignerError('BLOB_INVALID', `Wrapped seed does not match format v1 (${problems}).`);
  }
  const { mech, kid, iv, ct } = parsed.data;
  return { mech, kid, iv: parseBase64(iv)!, ct: parseBase64(ct)! };
}
