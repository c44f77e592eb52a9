/**
 * The CoSigner, built once on top of any KeyVault so that both backends share every rule:
 * blob format, AAD, wiping, read-back after wrapping, box checks and the self-test.
 */
import type { HDKey } from '@scure/bip32';
import { accountOrigin, bip32KnownAnswerTest, BIP32_VERSIONS, withMasterFromSeed } from './bip32-account';
import { bytesEqual } from './codec';
import { CoSignerError, isCoSignerError } from './errors';
import { parseRecoveryBox, recoveryKeyId, RECOVERY_KEY_BITS, rsaModulusBits, sealToRecoveryKey } from './recovery-key';
import { GCM_IV_BYTES, parseWrappedSeed, seedAad, SEED_BYTES, serializeWrappedSeed } from './seed-blob';
import type {
  BitcoinNetwork,
  CoSigner,
  CoSignerBackend,
  CreatedBitcoinKey,
  DecryptRecoveryBoxOptions,
  KeyVault,
  OaepHash,
  RecoveryPublicKey,
} from './types';

const OAEP_HASHES: readonly OaepHash[] = ['SHA-1', 'SHA-256'];
const SELF_TEST_AAD = Buffer.from('keystead:cosigner:v1:self-test', 'utf8');

export class VaultCoSigner implements CoSigner {
  readonly backend: CoSignerBackend;
  private readonly vault: KeyVault;
  private recovery: { publicKey: RecoveryPublicKey; modulusBytes: number } | undefined;
  private isClosed = false;

  constructor(vault: KeyVault) {
    this.vault = vault;
    this.backend = vault.backend;
  }

  async createBitcoinKey(network: BitcoinNetwork): Promise<CreatedBitcoinKey> {
    this.assertUsable(network);
    const kid = await this.vault.currentWrappingKeyId();
    const seed = await this.vault.randomBytes(SEED_BYTES);
    try {
      const iv = await this.vault.randomBytes(GCM_IV_BYTES);
      const ct = await this.sealAndVerify(kid, iv, seedAad(network), seed);
      const wrapped = serializeWrappedSeed({ mech: this.vault.wrapMechanism, kid, iv, ct });
      const origin = await withMasterFromSeed(seed, network, (master) => accountOrigin(master, network));
      return { origin, wrapped };
    } finally {
      seed.fill(0);
    }
  }

  async withBitcoinMaster<T>(wrapped: string, network: BitcoinNetwork, fn: (master: HDKey) => Promise<T> | T): Promise<T> {
    this.assertUsable(network);
    const blob = parseWrappedSeed(wrapped);
    if (blob.mech !== this.vault.wrapMechanism) {
      throw new CoSignerError(
        'KEY_NOT_FOUND',
        `Wrapped seed uses ${blob.mech}, made by the other co-signer backend; this one (${this.backend}) uses ${this.vault.wrapMechanism}.`,
      );
    }
    const seed = await this.vault.open(blob.kid, blob.iv, seedAad(network), blob.ct);
    // Only the in-memory derivation runs outside the vault's lock, so `fn` may call the co-signer.
    return withMasterFromSeed(seed, network, fn);
  }

  async recoveryPublicKey(): Promise<RecoveryPublicKey> {
    this.assertUsable();
    if (!this.recovery) {
      const { spki, modulusBytes } = await this.vault.recoveryKey();
      const bits = rsaModulusBits(spki);
      const publicKey = { keyId: recoveryKeyId(spki), spki: spki.toString('base64'), hash: this.vault.oaepHash, bits };
      this.recovery = { publicKey, modulusBytes };
    }
    return this.recovery.publicKey;
  }

  async decryptRecoveryBox(ciphertextB64: string, options: DecryptRecoveryBoxOptions = {}): Promise<Uint8Array> {
    const { keyId } = await this.recoveryPublicKey();
    if (options.keyId !== undefined && options.keyId !== keyId) {
      throw new CoSignerError('KEY_NOT_FOUND', `Recovery box was sealed to recovery key ${options.keyId}; this backend holds ${keyId}.`);
    }
    const hash = options.hash ?? this.vault.oaepHash;
    if (!OAEP_HASHES.includes(hash)) throw new TypeError(`Unknown OAEP hash ${JSON.stringify(hash)}; expected SHA-1 or SHA-256.`);
    const box = parseRecoveryBox(ciphertextB64, this.recovery!.modulusBytes);
    return this.vault.recoveryDecrypt(box, hash);
  }

  async selfTest(): Promise<void> {
    this.assertUsable();
    try {
      bip32KnownAnswerTest();
      await this.selfTestWrapping();
      await this.selfTestBitcoinKey();
      await this.selfTestRecoveryKey();
    } catch (cause) {
      if (isCoSignerError(cause, 'SELF_TEST_FAILED')) throw cause;
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new CoSignerError('SELF_TEST_FAILED', `Co-signer self-test failed (${this.backend}): ${detail}`, { cause });
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.recovery = undefined;
    await this.vault.close();
  }

  /** Seals, then opens again: a blob that does not open would strand the wallet's Key #3. */
  private async sealAndVerify(kid: string, iv: Buffer, aad: Buffer, plaintext: Buffer): Promise<Buffer> {
    const sealed = await this.vault.seal(kid, iv, aad, plaintext);
    const reopened = await this.vault.open(kid, iv, aad, sealed);
    const isSame = bytesEqual(reopened, plaintext);
    reopened.fill(0);
    if (!isSame) throw new CoSignerError('SELF_TEST_FAILED', 'A freshly wrapped secret did not unwrap to the same bytes.');
    return sealed;
  }

  private async selfTestWrapping(): Promise<void> {
    const kid = await this.vault.currentWrappingKeyId();
    const secret = await this.vault.randomBytes(SEED_BYTES);
    const iv = await this.vault.randomBytes(GCM_IV_BYTES);
    const sealed = await this.sealAndVerify(kid, iv, SELF_TEST_AAD, secret);
    secret.fill(0);
    sealed[0]! ^= 0x01;
    const isTamperRejected = await this.vault.open(kid, iv, SELF_TEST_AAD, sealed).then(
      (opened) => (opened.fill(0), false),
      (error: unknown) => isCoSignerError(error, 'BLOB_INVALID'),
    );
    if (!isTamperRejected) throw new CoSignerError('SELF_TEST_FAILED', 'AES-GCM accepted a tampered ciphertext.');
  }

  private async selfTestBitcoinKey(): Promise<void> {
    const { origin, wrapped } = await this.createBitcoinKey('regtest');
    const xpub = await this.withBitcoinMaster(wrapped, 'regtest', (master) => accountOrigin(master, 'regtest').xpub);
    if (xpub !== origin.xpub) throw new CoSignerError('SELF_TEST_FAILED', 'An unwrapped seed derived a different xpub.');
  }

  private async selfTestRecoveryKey(): Promise<void> {
    const { spki, hash, bits } = await this.recoveryPublicKey();
    if (bits < RECOVERY_KEY_BITS) throw new CoSignerError('SELF_TEST_FAILED', `Recovery key has ${bits} bits; at least ${RECOVERY_KEY_BITS} are required.`);
    const secret = await this.vault.randomBytes(32);
    const box = sealToRecoveryKey(Buffer.from(spki, 'base64'), hash, secret).toString('base64');
    const opened = await this.decryptRecoveryBox(box);
    const isSame = bytesEqual(opened, secret);
    opened.fill(0);
    secret.fill(0);
    if (!isSame) throw new CoSignerError('SELF_TEST_FAILED', 'RSA-OAEP round trip returned different bytes.');
  }

  private assertUsable(network?: BitcoinNetwork): void {
    if (this.isClosed) throw new CoSignerError('CLOSED', `The ${this.backend} co-signer is closed.`);
    if (network !== undefined && !Object.hasOwn(BIP32_VERSIONS, network)) {
      throw new TypeError(`Unknown Bitcoin network ${JSON.stringify(network)}; expected mainnet, testnet or regtest.`);
    }
  }
}
