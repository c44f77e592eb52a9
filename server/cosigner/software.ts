/**
 * Software keystore: the quick-start stand-in for an HSM when no PKCS#11 library is installed.
 * NOT an HSM: the keys live in this process's memory and in a file on this machine.
 *
 *   <dir>/cosigner-keystore.json    {v:1, kdf:"HKDF-SHA256", salt, iv, ct}, mode 0600
 *   <dir>/cosigner-keystore.secret  generated 32 random bytes (base64), mode 0600,
 *                                   unless KEYSTEAD_SOFTWARE_KEYSTORE_SECRET is set
 *
 * The file key is HKDF-SHA256 (RFC 5869) of the secret, which must be high-entropy (≥32
 * characters; it is not a password and is not stretched). The keystore holds an AES-256 key
 * (the seed wrapping key, with a random 16-byte kid) and an RSA-3072 private key (PKCS#8), and
 * is sealed with AES-256-GCM (AAD `keystead:software-keystore:v1`). Creation is atomic: the file
 * is written under a temporary name and hard-linked into place, so two racing processes end up
 * with one keystore.
 */
import { constants, createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, createSecretKey, generateKeyPair, hkdfSync, privateDecrypt, randomFillSync, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { isLowerHex, parseBase64, toBase64, toHex } from './codec';
import type { SoftwareCoSignerConfig } from './config';
import { CoSignerError } from './errors';
import { nodeOaepHash, RECOVERY_KEY_BITS } from './recovery-key';
import { GCM_IV_BYTES, GCM_TAG_BYTES } from './seed-blob';
import type { CoSigner, KeyVault, OaepHash } from './types';
import { VaultCoSigner } from './vault-cosigner';

export const KEYSTORE_FILE = 'cosigner-keystore.json';
export const SECRET_FILE = 'cosigner-keystore.secret';
const KEYSTORE_AAD = Buffer.from('keystead:software-keystore:v1', 'utf8');
const HKDF_INFO = 'keystead:software-keystore:v1';
const MAX_KEYSTORE_CHARS = 16 * 1024;
const MIN_SECRET_CHARS = 32;

export interface CoSignerLogger {
  warn(message: string): void;
}

export function softwareKeystoreWarning(file: string): string {
  const rule = '='.repeat(78);
  return [
    rule,
    ' WARNING: the Keystead co-signer (Key #3) and recovery key use the SOFTWARE KEYSTORE.',
    ' This is NOT an HSM. The keys sit in this process and in an encrypted file:',
    `   ${file}`,
    ' whose secret is on the same machine. Anyone who reads both can sign as Key #3',
    ' and open every recovery box. For local development and demos ONLY.',
    ' NEVER use it in production: configure a PKCS#11 HSM (HSM_MODULE, HSM_TOKEN_LABEL,',
    ' HSM_PIN); for development with SoftHSM2 run `bash scripts/hsm-init.sh`.',
    rule,
  ].join('\n');
}

export async function openSoftwareCoSigner(config: SoftwareCoSignerConfig, logger: CoSignerLogger = console): Promise<CoSigner> {
  if (config.isProduction && !config.allowInProduction) {
    throw new CoSignerError('SOFTWARE_KEYSTORE_FORBIDDEN', 'NODE_ENV=production: refusing to open the software keystore.');
  }
  const file = path.join(config.dir, KEYSTORE_FILE);
  logger.warn(softwareKeystoreWarning(file));
  mkdirSync(config.dir, { recursive: true, mode: 0o700 });
  const secret = resolveSecret(config, existsSync(file));
  try {
    const contents = existsSync(file) ? readKeystore(file, secret) : await createKeystore(file, secret);
    return new VaultCoSigner(new SoftwareVault(contents, config.oaepHash));
  } finally {
    secret.fill(0);
  }
}

// ---------------------------------------------------------------------------------------------

interface KeystoreContents {
  readonly kid: string;
  readonly aesKey: KeyObject;
  readonly rsaPrivateKey: KeyObject;
}

const EnvelopeSchema = z.strictObject({
  v: z.literal(1),
  kdf: z.literal('HKDF-SHA256'),
  salt: z.string().refine((s) => parseBase64(s)?.length === 16, 'must be 16 bytes of base64'),
  iv: z.string().refine((s) => parseBase64(s)?.length === GCM_IV_BYTES, `must be ${GCM_IV_BYTES} bytes of base64`),
  ct: z.string().refine((s) => parseBase64(s) !== null, 'must be base64'),
});

const ContentsSchema = z.strictObject({
  v: z.literal(1),
  kid: z.string().refine((s) => isLowerHex(s, 16), 'must be 32 lowercase hex characters'),
  aesKey: z.string().refine((s) => parseBase64(s)?.length === 32, 'must be 32 bytes of base64'),
  rsaPkcs8: z.string().refine((s) => parseBase64(s) !== null, 'must be base64'),
  createdAt: z.string(),
});

function resolveSecret(config: SoftwareCoSignerConfig, hasKeystore: boolean): Buffer {
  if (config.secret !== undefined) return Buffer.from(config.secret, 'utf8');
  const secretFile = path.join(config.dir, SECRET_FILE);
  if (!existsSync(secretFile)) {
    if (hasKeystore) {
      throw new CoSignerError('SOFTWARE_KEYSTORE_INVALID', `${secretFile} is missing but the keystore exists, and KEYSTEAD_SOFTWARE_KEYSTORE_SECRET is not set.`);
    }
    writeFileSync(secretFile, `${randomFillSync(Buffer.alloc(32)).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  if ((statSync(secretFile).mode & 0o077) !== 0) {
    throw new CoSignerError('SOFTWARE_KEYSTORE_INVALID', `${secretFile} is readable by group or others: run \`chmod 600 ${secretFile}\`.`);
  }
  const secret = readFileSync(secretFile, 'utf8').trim();
  if (secret.length < MIN_SECRET_CHARS) {
    throw new CoSignerError('SOFTWARE_KEYSTORE_INVALID', `${secretFile} holds fewer than ${MIN_SECRET_CHARS} characters.`);
  }
  return Buffer.from(secret, 'utf8');
}

function fileKey(secret: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, salt, HKDF_INFO, 32));
}

async function createKeystore(file: string, secret: Buffer): Promise<KeystoreContents> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: RECOVERY_KEY_BITS, publicExponent: 0x10001 });
  const aesKeyBytes = randomFillSync(Buffer.alloc(32));
  const kid = toHex(randomFillSync(Buffer.alloc(16)));
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const plaintext = Buffer.from(
    JSON.stringify({ v: 1, kid, aesKey: toBase64(aesKeyBytes), rsaPkcs8: toBase64(pkcs8), createdAt: new Date().toISOString() }),
    'utf8',
  );
  const salt = randomFillSync(Buffer.alloc(16));
  const iv = randomFillSync(Buffer.alloc(GCM_IV_BYTES));
  const key = fileKey(secret, salt);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES }).setAAD(KEYSTORE_AAD);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const contents = { kid, aesKey: createSecretKey(aesKeyBytes), rsaPrivateKey: privateKey };
  for (const buffer of [aesKeyBytes, pkcs8, plaintext, key]) buffer.fill(0);

  const envelope = JSON.stringify({ v: 1, kdf: 'HKDF-SHA256', salt: toBase64(salt), iv: toBase64(iv), ct: toBase64(ct) });
  const temporary = `${file}.${process.pid}.${toHex(randomFillSync(Buffer.alloc(4)))}.tmp`;
  writeFileSync(temporary, `${envelope}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
  } catch (error) {
    // Another process created the keystore first: use that one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeystore(file, secret);
    throw error;
  } finally {
    unlinkSync(temporary);
  }
  return contents;
}

function readKeystore(file: string, secret: Buffer): KeystoreContents {
  const text = readFileSync(file, 'utf8');
  const envelope = text.length <= MAX_KEYSTORE_CHARS ? EnvelopeSchema.safeParse(safeJson(text)) : undefined;
  if (!envelope?.success) throw new CoSignerError('SOFTWARE_KEYSTORE_INVALID', `${file} is not a Keystead software keystore (v1).`);
  const salt = parseBase64(envelope.data.salt)!;
  const iv = parseBase64(envelope.data.iv)!;
  const sealed = parseBase64(envelope.data.ct)!;
  const key = fileKey(secret, salt);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES }).setAAD(KEYSTORE_AAD);
    decipher.setAuthTag(sealed.subarray(sealed.length - GCM_TAG_BYTES));
    plaintext = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - GCM_TAG_BYTES)), decipher.final()]);
  } catch (cause) {
    throw new CoSignerError('SOFTWARE_KEYSTORE_INVALID', `Cannot decrypt ${file}: wrong secret, or the file was modified.`, { cause });
  } finally {
    key.fill(0);
  }
  try {
    const contents = ContentsSchema.safeParse(safeJson(plaintext.toString('utf8')));
    if (!contents.success) throw new CoSignerError('SOFTWARE_KEYSTORE_INVALID', `${file} decrypted to unexpected contents.`);
    const aesKeyBytes = parseBase64(contents.data.aesKey)!;
    const pkcs8 = parseBase64(contents.data.rsaPkcs8)!;
    const loaded = {
      kid: contents.data.kid,
      aesKey: createSecretKey(aesKeyBytes),
      rsaPrivateKey: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
    };
    aesKeyBytes.fill(0);
    pkcs8.fill(0);
    return loaded;
  } finally {
    plaintext.fill(0);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------

class SoftwareVault implements KeyVault {
  readonly backend = 'software';
  readonly wrapMechanism = 'AES-256-GCM';
  readonly oaepHash: OaepHash;
  private keys: KeystoreContents | undefined;
  private readonly spki: Buffer;
  private readonly modulusBytes: number;

  constructor(keys: KeystoreContents, oaepHash: OaepHash) {
    this.keys = keys;
    this.oaepHash = oaepHash;
    const publicKey = createPublicKey(keys.rsaPrivateKey);
    this.spki = publicKey.export({ type: 'spki', format: 'der' });
    this.modulusBytes = (publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  }

  async randomBytes(length: number): Promise<Buffer> {
    return randomFillSync(Buffer.alloc(length));
  }

  async currentWrappingKeyId(): Promise<string> {
    return this.keysOrThrow().kid;
  }

  async seal(kid: string, iv: Buffer, aad: Buffer, plaintext: Buffer): Promise<Buffer> {
    const cipher = createCipheriv('aes-256-gcm', this.wrappingKey(kid), iv, { authTagLength: GCM_TAG_BYTES }).setAAD(aad);
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }

  async open(kid: string, iv: Buffer, aad: Buffer, sealed: Buffer): Promise<Buffer> {
    const key = this.wrappingKey(kid);
    const body = sealed.subarray(0, sealed.length - GCM_TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES }).setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - GCM_TAG_BYTES));
    const head = decipher.update(body);
    try {
      const tail = decipher.final();
      return Buffer.concat([head, tail]);
    } catch (cause) {
      throw new CoSignerError('BLOB_INVALID', `Wrapped data failed AES-GCM authentication with key ${kid} (tampered, or opened for another network or purpose).`, { cause });
    } finally {
      head.fill(0);
    }
  }

  async recoveryKey(): Promise<{ spki: Buffer; modulusBytes: number }> {
    this.keysOrThrow();
    return { spki: this.spki, modulusBytes: this.modulusBytes };
  }

  async recoveryDecrypt(ciphertext: Buffer, hash: OaepHash): Promise<Buffer> {
    const key = this.keysOrThrow().rsaPrivateKey;
    try {
      return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: nodeOaepHash(hash) }, ciphertext);
    } catch (cause) {
      throw new CoSignerError('RECOVERY_BOX_INVALID', `RSA-OAEP (${hash}) decryption failed: not a box for this key and hash.`, { cause });
    }
  }

  async close(): Promise<void> {
    this.keys = undefined;
  }

  private wrappingKey(kid: string): KeyObject {
    const keys = this.keysOrThrow();
    if (kid !== keys.kid) {
      throw new CoSignerError('KEY_NOT_FOUND', `Wrapping key ${kid} is not in this software keystore (it holds ${keys.kid}); the blob was made by another keystore.`);
    }
    return keys.aesKey;
  }

  private keysOrThrow(): KeystoreContents {
    if (!this.keys) throw new CoSignerError('CLOSED', 'The software keystore is closed.');
    return this.keys;
  }
}
