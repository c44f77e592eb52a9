/**
 * PKCS#11 backend (OASIS PKCS#11 v2.40): SoftHSM2 here, any HSM in production.
 *
 * Binding: pkcs11js rather than graphene-pk11. It is the 1:1 C_* API (graphene is a convenience
 * layer built on it), so every template attribute, mechanism parameter and CKR_* code is visible
 * here and maps directly onto the spec and the HSM vendor's documentation, with one dependency
 * less in the trust path.
 *
 * Objects on the token, found by label (created on first use, reused across restarts):
 *   keystead-cosigner-seed-wrap  AES-256 secret key, CKA_ID = random 16 bytes (the blob's `kid`)
 *   keystead-recovery-rsa        RSA-3072 key pair, e = 65537
 * Both are generated inside the token as sensitive and non-extractable; a key found under these
 * labels that is not (e.g. imported, or created extractable) is refused (KEY_POLICY_VIOLATION).
 *
 * Mechanisms: CKM_AES_GCM (96-bit IV from C_GenerateRandom, 128-bit tag, AAD) via C_Encrypt /
 * C_Decrypt for the seed; CKM_RSA_PKCS_OAEP with MGF1 of the same hash for recovery boxes.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import pkcs11js from 'pkcs11js';
import type { AesGCM, Handle, Mechanism, PKCS11, RsaOAEP, Template } from 'pkcs11js';
import { bytesEqual, toHex } from './codec';
import type { Pkcs11CoSignerConfig } from './config';
import { CoSignerError } from './errors';
import { AsyncMutex } from './mutex';
import { RECOVERY_KEY_BITS, spkiFromRsaComponents } from './recovery-key';
import { GCM_TAG_BYTES } from './seed-blob';
import type { CoSigner, KeyVault, OaepHash } from './types';
import { VaultCoSigner } from './vault-cosigner';


export const WRAPPING_KEY_LABEL = 'keystead-cosigner-seed-wrap';
export const RECOVERY_KEY_LABEL = 'keystead-recovery-rsa';
const KEY_ID_BYTES = 16;
/** PKCS#11 CKZ_DATA_SPECIFIED: the OAEP label is the (empty) pSourceData, as in WebCrypto. */
const CKZ_DATA_SPECIFIED = 1;

const OAEP_PARAMS: Readonly<Record<OaepHash, { hashAlg: number; mgf: number }>> = {
  'SHA-1': { hashAlg: pkcs11js.CKM_SHA_1, mgf: pkcs11js.CKG_MGF1_SHA1 },
  'SHA-256': { hashAlg: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256 },
};

/** Decrypt failures that mean "this ciphertext is wrong", not "the HSM is broken". SoftHSM 2.6
 *  reports a GCM tag mismatch as CKR_GENERAL_ERROR; PKCS#11 3.0 adds CKR_AEAD_DECRYPT_FAILED. */
const BAD_CIPHERTEXT = new Set([pkcs11js.CKR_ENCRYPTED_DATA_INVALID, pkcs11js.CKR_ENCRYPTED_DATA_LEN_RANGE, pkcs11js.CKR_GENERAL_ERROR, 0x35]);
const BAD_PIN = new Set([pkcs11js.CKR_PIN_INCORRECT, pkcs11js.CKR_PIN_INVALID, pkcs11js.CKR_PIN_LEN_RANGE, pkcs11js.CKR_PIN_LOCKED, pkcs11js.CKR_PIN_EXPIRED]);
const UNSUPPORTED_PARAMS = new Set([pkcs11js.CKR_ARGUMENTS_BAD, pkcs11js.CKR_MECHANISM_PARAM_INVALID, pkcs11js.CKR_MECHANISM_INVALID]);

export async function openPkcs11CoSigner(config: Pkcs11CoSignerConfig): Promise<CoSigner> {
  return new VaultCoSigner(await Pkcs11Vault.open(config));
}

// ---------------------------------------------------------------------------------------------
// The library is process-global state in C (C_Initialize once, C_Finalize once, one login state
// per token), so it is tracked per module path in one registry on globalThis (which also
// survives Next.js hot reloads). The last vault to close finalises and unloads the library.

interface LoadedModule {
  readonly lib: PKCS11;
  readonly modulePath: string;
  readonly softhsmConf: string | undefined;
  users: number;
  /** False when someone else in the process had already called C_Initialize. */
  readonly isOwned: boolean;
  /** Tokens this process is logged in to (by serial): the PIN digest and our open sessions. */
  readonly logins: Map<string, { pinDigest: Buffer; sessions: number }>;
}

const MODULES = Symbol.for('keystead.cosigner.pkcs11-modules');

function loadedModules(): Map<string, LoadedModule> {
  const holder = globalThis as unknown as { [MODULES]?: Map<string, LoadedModule> };
  return (holder[MODULES] ??= new Map());
}

function acquireModule(modulePath: string, softhsmConf: string | undefined): LoadedModule {
  const existing = loadedModules().get(modulePath);
  if (existing) {
    if (softhsmConf !== undefined && softhsmConf !== existing.softhsmConf) {
      throw new CoSignerError(
        'HSM_UNAVAILABLE',
        `${modulePath} is already initialised in this process with SOFTHSM2_CONF=${existing.softhsmConf ?? '(unset)'}, not ${softhsmConf}; one process uses one SoftHSM config.`,
      );
    }
    existing.users++;
    return existing;
  }
  if (softhsmConf !== undefined && !existsSync(softhsmConf)) {
    throw new CoSignerError('HSM_UNAVAILABLE', `SOFTHSM2_CONF=${softhsmConf} does not exist (run \`bash scripts/hsm-init.sh\`).`);
  }
  const lib = new pkcs11js.PKCS11();
  try {
    lib.load(modulePath);
  } catch (cause) {
    throw new CoSignerError('HSM_UNAVAILABLE', `Cannot load the PKCS#11 module ${modulePath}: ${errorText(cause)}.`, { cause });
  }
  const isOwned = initialise(lib, modulePath, softhsmConf);
  const loaded: LoadedModule = { lib, modulePath, softhsmConf, users: 1, isOwned, logins: new Map() };
  loadedModules().set(modulePath, loaded);
  return loaded;
}

/** SoftHSM reads SOFTHSM2_CONF from the environment in C_Initialize, and only there. */
function initialise(lib: PKCS11, modulePath: string, softhsmConf: string | undefined): boolean {
  const previousConf = process.env.SOFTHSM2_CONF;
  if (softhsmConf !== undefined) process.env.SOFTHSM2_CONF = softhsmConf;
  try {
    lib.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    return true;
  } catch (cause) {
    if (ckr(cause) === pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) return false;
    safely(() => lib.close());
    const conf = process.env.SOFTHSM2_CONF ?? '(unset)';
    throw new CoSignerError('HSM_UNAVAILABLE', `C_Initialize failed for ${modulePath} (${errorText(cause)}; SOFTHSM2_CONF=${conf}).`, { cause });
  } finally {
    if (previousConf === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = previousConf;
  }
}

function releaseModule(module: LoadedModule): void {
  module.users--;
  if (module.users > 0) return;
  loadedModules().delete(module.modulePath);
  if (module.isOwned) safely(() => module.lib.C_Finalize());
  safely(() => module.lib.close());
}

// ---------------------------------------------------------------------------------------------

interface KeyAttributeCheck {
  readonly type: number;
  readonly name: string;
  readonly expected: boolean;
}

/** What makes a key acceptable: generated inside, sensitive, never extractable, persistent. */
const SECRET_KEY_POLICY: readonly KeyAttributeCheck[] = [
  { type: pkcs11js.CKA_TOKEN, name: 'CKA_TOKEN', expected: true },
  { type: pkcs11js.CKA_PRIVATE, name: 'CKA_PRIVATE', expected: true },
  { type: pkcs11js.CKA_SENSITIVE, name: 'CKA_SENSITIVE', expected: true },
  { type: pkcs11js.CKA_EXTRACTABLE, name: 'CKA_EXTRACTABLE', expected: false },
  { type: pkcs11js.CKA_ALWAYS_SENSITIVE, name: 'CKA_ALWAYS_SENSITIVE', expected: true },
  { type: pkcs11js.CKA_NEVER_EXTRACTABLE, name: 'CKA_NEVER_EXTRACTABLE', expected: true },
];
const WRAPPING_KEY_POLICY = [...SECRET_KEY_POLICY, { type: pkcs11js.CKA_ENCRYPT, name: 'CKA_ENCRYPT', expected: true }, { type: pkcs11js.CKA_DECRYPT, name: 'CKA_DECRYPT', expected: true }];
const RECOVERY_KEY_POLICY = [...SECRET_KEY_POLICY, { type: pkcs11js.CKA_DECRYPT, name: 'CKA_DECRYPT', expected: true }];

export class Pkcs11Vault implements KeyVault {
  readonly backend = 'pkcs11';
  readonly wrapMechanism = 'CKM_AES_GCM';
  readonly oaepHash: OaepHash;
  private readonly module: LoadedModule;
  private readonly session: Handle;
  private readonly tokenSerial: string;
  private readonly tokenLabel: string;
  private readonly mutex = new AsyncMutex();
  private readonly wrappingKeys = new Map<string, Handle>();
  private currentKid: string | undefined;
  private recovery: { privateKey: Handle; spki: Buffer; modulusBytes: number } | undefined;
  private isClosed = false;

  private constructor(module: LoadedModule, session: Handle, tokenSerial: string, config: Pkcs11CoSignerConfig) {
    this.module = module;
    this.session = session;
    this.tokenSerial = tokenSerial;
    this.tokenLabel = config.tokenLabel;
    this.oaepHash = config.oaepHash;
  }

  /** Loads the module (once per process), finds the token by label, opens one R/W session and logs in. */
  static async open(config: Pkcs11CoSignerConfig): Promise<Pkcs11Vault> {
    const module = acquireModule(config.modulePath, config.softhsmConf);
    const { lib } = module;
    let session: Handle | undefined;
    try {
      const { slot, serial } = findTokenSlot(lib, config.tokenLabel);
      session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
      login(module, session, serial, config);
      return new Pkcs11Vault(module, session, serial, config);
    } catch (error) {
      if (session) safely(() => lib.C_CloseSession(session!));
      releaseModule(module);
      throw error;
    }
  }

  randomBytes(length: number): Promise<Buffer> {
    return this.exclusive('C_GenerateRandom', () => this.lib.C_GenerateRandom(this.session, Buffer.alloc(length)));
  }

  currentWrappingKeyId(): Promise<string> {
    return this.exclusive('finding the wrapping key', async () => {
      if (this.currentKid) return this.currentKid;
      const found = this.findObjects(wrappingKeySearch());
      if (found.length > 1) throw this.ambiguous(WRAPPING_KEY_LABEL, found.length);
      const handle = found[0] ?? (await this.generateWrappingKey());
      this.checkPolicy(handle, WRAPPING_KEY_LABEL, WRAPPING_KEY_POLICY);
      const kid = this.readKeyId(handle, WRAPPING_KEY_LABEL);
      this.wrappingKeys.set(kid, handle);
      this.currentKid = kid;
      return kid;
    });
  }

  seal(kid: string, iv: Buffer, aad: Buffer, plaintext: Buffer): Promise<Buffer> {
    return this.exclusive('AES-GCM encryption', () => {
      const key = this.wrappingKey(kid);
      this.lib.C_EncryptInit(this.session, gcm(iv, aad), key);
      return this.lib.C_Encrypt(this.session, plaintext, Buffer.alloc(plaintext.length + GCM_TAG_BYTES));
    });
  }

  open(kid: string, iv: Buffer, aad: Buffer, sealed: Buffer): Promise<Buffer> {
    return this.exclusive('AES-GCM decryption', () => {
      const key = this.wrappingKey(kid);
      this.lib.C_DecryptInit(this.session, gcm(iv, aad), key);
      return decryptInto(sealed.length, (out) => this.lib.C_Decrypt(this.session, sealed, out), (cause) =>
        BAD_CIPHERTEXT.has(ckr(cause) ?? -1)
          ? new CoSignerError('BLOB_INVALID', `Wrapped data failed AES-GCM authentication with key ${kid} (tampered, or opened for another network or purpose).`, { cause })
          : undefined,
      );
    });
  }

  recoveryKey(): Promise<{ spki: Buffer; modulusBytes: number }> {
    return this.exclusive('loading the recovery key', async () => {
      const { spki, modulusBytes } = await this.loadRecoveryKey();
      return { spki, modulusBytes };
    });
  }

  recoveryDecrypt(ciphertext: Buffer, hash: OaepHash): Promise<Buffer> {
    return this.exclusive('RSA-OAEP decryption', async () => {
      const { privateKey, modulusBytes } = await this.loadRecoveryKey();
      const parameter: RsaOAEP = { type: pkcs11js.CK_PARAMS_RSA_OAEP, ...OAEP_PARAMS[hash], source: CKZ_DATA_SPECIFIED };
      const mechanism = { mechanism: pkcs11js.CKM_RSA_PKCS_OAEP, parameter };
      try {
        this.lib.C_DecryptInit(this.session, mechanism, privateKey);
      } catch (cause) {
        throw unsupportedOaep(cause, hash) ?? cause;
      }
      const out = Buffer.alloc(modulusBytes);
      try {
        return copyOf(await this.lib.C_DecryptAsync(this.session, ciphertext, out));
      } catch (cause) {
        const code = ckr(cause) ?? -1;
        if (BAD_CIPHERTEXT.has(code)) {
          throw new CoSignerError('RECOVERY_BOX_INVALID', `RSA-OAEP (${hash}) decryption failed: not a box for this key and hash.`, { cause });
        }
        throw unsupportedOaep(cause, hash) ?? cause;
      } finally {
        out.fill(0);
      }
    });
  }

  close(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.isClosed = true;
    // Queued behind any operation still running on the session.
    return this.mutex.run(() => {
      safely(() => this.lib.C_CloseSession(this.session));
      // Closing an application's last session on a token logs it out (PKCS#11 §5.6).
      const login = this.module.logins.get(this.tokenSerial);
      if (login && --login.sessions === 0) this.module.logins.delete(this.tokenSerial);
      releaseModule(this.module);
    });
  }

  private get lib(): PKCS11 {
    return this.module.lib;
  }

  /** Every session use goes through here: one operation at a time, PKCS#11 errors made typed. */
  private exclusive<T>(what: string, critical: () => Promise<T> | T): Promise<T> {
    if (this.isClosed) return Promise.reject(new CoSignerError('CLOSED', `The PKCS#11 session on token "${this.tokenLabel}" is closed.`));
    return this.mutex.run(async () => {
      try {
        return await critical();
      } catch (cause) {
        if (cause instanceof CoSignerError) throw cause;
        throw new CoSignerError('HSM_OPERATION_FAILED', `PKCS#11 failed while ${what} on token "${this.tokenLabel}" (${errorText(cause)}).`, { cause });
      }
    });
  }

  private wrappingKey(kid: string): Handle {
    const cached = this.wrappingKeys.get(kid);
    if (cached) return cached;
    const found = this.findObjects([...wrappingKeySearch(), { type: pkcs11js.CKA_ID, value: Buffer.from(kid, 'hex') }]);
    if (found.length === 0) {
      throw new CoSignerError('KEY_NOT_FOUND', `Wrapping key ${kid} ("${WRAPPING_KEY_LABEL}") is not on token "${this.tokenLabel}"; the blob was made by another token.`);
    }
    if (found.length > 1) throw this.ambiguous(`${WRAPPING_KEY_LABEL} ${kid}`, found.length);
    this.checkPolicy(found[0]!, WRAPPING_KEY_LABEL, WRAPPING_KEY_POLICY);
    this.wrappingKeys.set(kid, found[0]!);
    return found[0]!;
  }

  private async generateWrappingKey(): Promise<Handle> {
    const id = this.lib.C_GenerateRandom(this.session, Buffer.alloc(KEY_ID_BYTES));
    return this.lib.C_GenerateKeyAsync(this.session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
      ...wrappingKeySearch(),
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
      ...sensitiveKeyAttributes(),
      { type: pkcs11js.CKA_ENCRYPT, value: true },
      { type: pkcs11js.CKA_DECRYPT, value: true },
      { type: pkcs11js.CKA_WRAP, value: false },
      { type: pkcs11js.CKA_UNWRAP, value: false },
      { type: pkcs11js.CKA_SIGN, value: false },
      { type: pkcs11js.CKA_VERIFY, value: false },
      { type: pkcs11js.CKA_DERIVE, value: false },
    ]);
  }

  /** Runs inside the mutex. */
  private async loadRecoveryKey(): Promise<{ privateKey: Handle; spki: Buffer; modulusBytes: number }> {
    if (this.recovery) return this.recovery;
    const found = this.findObjects(recoveryPrivateKeySearch());
    if (found.length > 1) throw this.ambiguous(RECOVERY_KEY_LABEL, found.length);
    const privateKey = found[0] ?? (await this.generateRecoveryKeyPair());
    this.checkPolicy(privateKey, RECOVERY_KEY_LABEL, RECOVERY_KEY_POLICY);
    // CKA_MODULUS and CKA_PUBLIC_EXPONENT stay readable on a sensitive private key (PKCS#11 §2.1.3).
    const [modulus, exponent] = this.lib
      .C_GetAttributeValue(this.session, privateKey, [{ type: pkcs11js.CKA_MODULUS }, { type: pkcs11js.CKA_PUBLIC_EXPONENT }])
      .map((a) => a.value as Buffer);
    const spki = spkiFromRsaComponents(modulus!, exponent!);
    const modulusBytes = modulus!.length - (modulus![0] === 0 ? 1 : 0);
    if (modulusBytes * 8 < RECOVERY_KEY_BITS) {
      throw new CoSignerError('KEY_POLICY_VIOLATION', `"${RECOVERY_KEY_LABEL}" is a ${modulusBytes * 8}-bit key; at least ${RECOVERY_KEY_BITS} bits are required.`);
    }
    this.recovery = { privateKey, spki, modulusBytes };
    return this.recovery;
  }

  private async generateRecoveryKeyPair(): Promise<Handle> {
    const id = this.lib.C_GenerateRandom(this.session, Buffer.alloc(KEY_ID_BYTES));
    const common = [
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
      { type: pkcs11js.CKA_LABEL, value: RECOVERY_KEY_LABEL },
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_TOKEN, value: true },
    ];
    const pair = await this.lib.C_GenerateKeyPairAsync(
      this.session,
      { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
      [
        ...common,
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
        { type: pkcs11js.CKA_MODULUS_BITS, value: RECOVERY_KEY_BITS },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([0x01, 0x00, 0x01]) },
        { type: pkcs11js.CKA_ENCRYPT, value: true },
        { type: pkcs11js.CKA_VERIFY, value: false },
        { type: pkcs11js.CKA_WRAP, value: false },
      ],
      [
        ...common,
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        ...sensitiveKeyAttributes(),
        { type: pkcs11js.CKA_DECRYPT, value: true },
        { type: pkcs11js.CKA_SIGN, value: false },
        { type: pkcs11js.CKA_UNWRAP, value: false },
        { type: pkcs11js.CKA_DERIVE, value: false },
      ],
    );
    return pair.privateKey;
  }

  private findObjects(template: pkcs11js.Template): Handle[] {
    this.lib.C_FindObjectsInit(this.session, template);
    try {
      return this.lib.C_FindObjects(this.session, 16);
    } finally {
      this.lib.C_FindObjectsFinal(this.session);
    }
  }

  private checkPolicy(handle: Handle, label: string, policy: readonly KeyAttributeCheck[]): void {
    const values = this.lib.C_GetAttributeValue(this.session, handle, policy.map(({ type }) => ({ type })));
    const wrong = policy.filter((check, i) => isTrue(values[i]?.value) !== check.expected);
    if (wrong.length > 0) {
      const list = wrong.map((c) => `${c.name} should be ${c.expected}`).join(', ');
      throw new CoSignerError('KEY_POLICY_VIOLATION', `Key "${label}" on token "${this.tokenLabel}" is not acceptable: ${list}.`);
    }
  }

  private readKeyId(handle: Handle, label: string): string {
    const [id] = this.lib.C_GetAttributeValue(this.session, handle, [{ type: pkcs11js.CKA_ID }]);
    const bytes = id?.value;
    if (!Buffer.isBuffer(bytes) || bytes.length !== KEY_ID_BYTES) {
      throw new CoSignerError('KEY_POLICY_VIOLATION', `Key "${label}" on token "${this.tokenLabel}" has no ${KEY_ID_BYTES}-byte CKA_ID.`);
    }
    return toHex(bytes);
  }

  private ambiguous(label: string, count: number): CoSignerError {
    return new CoSignerError('KEY_POLICY_VIOLATION', `Token "${this.tokenLabel}" holds ${count} keys labelled "${label}"; expected one.`);
  }
}

// ---------------------------------------------------------------------------------------------

function findTokenSlot(lib: PKCS11, tokenLabel: string): { slot: Handle; serial: string } {
  const tokens = lib.C_GetSlotList(true).map((slot) => ({ slot, info: lib.C_GetTokenInfo(slot) }));
  const initialised = tokens.filter(({ info }) => (info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) !== 0);
  const matches = initialised.filter(({ info }) => info.label.trimEnd() === tokenLabel);
  if (matches.length === 1) return { slot: matches[0]!.slot, serial: matches[0]!.info.serialNumber.trimEnd() };
  const labels = initialised.map(({ info }) => `"${info.label.trimEnd()}"`).join(', ') || 'none';
  const what = matches.length === 0 ? 'No token' : `${matches.length} tokens`;
  throw new CoSignerError('HSM_TOKEN_NOT_FOUND', `${what} labelled "${tokenLabel}" (initialised tokens: ${labels}).`);
}

/**
 * Login state is per application and token, so a second vault on a token this process is already
 * logged in to gets CKR_USER_ALREADY_LOGGED_IN without the PIN being checked. It must still
 * present the same PIN, or it would ride on the first vault's login.
 */
function login(module: LoadedModule, session: Handle, serial: string, config: Pkcs11CoSignerConfig): void {
  const pinDigest = createHash('sha256').update(config.pin, 'utf8').digest();
  const refused = (detail: string, cause?: unknown) =>
    new CoSignerError('HSM_LOGIN_FAILED', `C_Login to token "${config.tokenLabel}" failed (${detail}).`, { cause });
  try {
    module.lib.C_Login(session, pkcs11js.CKU_USER, config.pin);
    module.logins.set(serial, { pinDigest, sessions: 1 });
  } catch (cause) {
    const code = ckr(cause);
    if (code === pkcs11js.CKR_USER_ALREADY_LOGGED_IN) {
      const existing = module.logins.get(serial);
      if (existing && !bytesEqual(existing.pinDigest, pinDigest)) throw refused('CKR_PIN_INCORRECT: differs from the PIN this process logged in with');
      if (existing) existing.sessions++;
      return;
    }
    if (code !== undefined && BAD_PIN.has(code)) throw refused(errorText(cause), cause);
    throw new CoSignerError('HSM_OPERATION_FAILED', `C_Login to token "${config.tokenLabel}" failed (${errorText(cause)}).`, { cause });
  }
}

function wrappingKeySearch(): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_LABEL, value: WRAPPING_KEY_LABEL },
  ];
}

function recoveryPrivateKeySearch(): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
    { type: pkcs11js.CKA_LABEL, value: RECOVERY_KEY_LABEL },
  ];
}

function sensitiveKeyAttributes(): Template {
  return [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
  ];
}

function gcm(iv: Buffer, aad: Buffer): Mechanism {
  const parameter: AesGCM = { type: pkcs11js.CK_PARAMS_AES_GCM, iv, aad, ivBits: iv.length * 8, tagBits: GCM_TAG_BYTES * 8 };
  return { mechanism: pkcs11js.CKM_AES_GCM, parameter };
}

/** Decrypts into a scratch buffer, returns an exact-size copy and zeroes the scratch. */
function decryptInto(size: number, decrypt: (out: Buffer) => Buffer, classify: (cause: unknown) => CoSignerError | undefined): Buffer {
  const out = Buffer.alloc(size);
  try {
    return copyOf(decrypt(out));
  } catch (cause) {
    throw classify(cause) ?? cause;
  } finally {
    out.fill(0);
  }
}

function copyOf(bytes: Buffer): Buffer {
  const copy = Buffer.alloc(bytes.length);
  bytes.copy(copy);
  return copy;
}

function unsupportedOaep(cause: unknown, hash: OaepHash): CoSignerError | undefined {
  if (!UNSUPPORTED_PARAMS.has(ckr(cause) ?? -1)) return undefined;
  const advice = hash === 'SHA-1' ? '' : ' SoftHSM 2.6 supports only SHA-1: set HSM_OAEP_HASH=SHA-1.';
  return new CoSignerError('HSM_OPERATION_FAILED', `The HSM rejected RSA-OAEP with ${hash} (${errorText(cause)}).${advice}`, { cause });
}

function isTrue(value: unknown): boolean {
  return Buffer.isBuffer(value) ? value.length > 0 && value[0] !== 0 : value === true;
}

function ckr(error: unknown): number | undefined {
  return error instanceof pkcs11js.Pkcs11Error ? error.code : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function safely(action: () => void): void {
  try {
    action();
  } catch {
    // Best-effort teardown: the session or library may already be gone.
  }
}
