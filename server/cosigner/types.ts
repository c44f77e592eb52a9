/**
 * The co-signer (Key #3 of every 2-of-3 wallet) and the service recovery key, behind one small
 * interface. Two backends implement the primitives (`KeyVault`): PKCS#11 (SoftHSM2 here, any HSM
 * in production) and an encrypted software keystore for the quick start. `VaultCoSigner`
 * (vault-cosigner.ts) builds the CoSigner on top of either, so both behave identically.
 */
import type { HDKey } from '@scure/bip32';

/** Same vocabulary as lib/wallet-constants.ts BITCOIN_NETWORKS. */
export type BitcoinNetwork = 'mainnet' | 'testnet' | 'regtest';
export type CoSignerBackend = 'pkcs11' | 'software';
/** RSA-OAEP hash (MGF1 uses the same hash). SoftHSM 2.6.1 decrypts OAEP with SHA-1 only. */
export type OaepHash = 'SHA-1' | 'SHA-256';

/** BIP380 key origin of an account key: `[fingerprint/path]xpub`. */
export interface KeyOrigin {
  /** Master key fingerprint, 8 lowercase hex characters. */
  readonly fingerprint: string;
  /** BIP48 P2WSH account path, e.g. `m/48'/1'/0'/2'`. */
  readonly path: string;
  /** Account extended public key: `xpub…` on mainnet, `tpub…` on testnet and regtest. */
  readonly xpub: string;
}

export interface CreatedBitcoinKey {
  readonly origin: KeyOrigin;
  /** Self-describing wrapped seed (JSON, see seed-blob.ts). Store it as is; it is not secret on its own. */
  readonly wrapped: string;
}

export interface RecoveryPublicKey {
  /** Hex SHA-256 of the SPKI DER, first 16 bytes: record it next to every box sealed to this key. */
  readonly keyId: string;
  /** Base64 DER SubjectPublicKeyInfo, for WebCrypto `importKey('spki', …)`. */
  readonly spki: string;
  /** The OAEP hash to pass to WebCrypto (and to record in the envelope). */
  readonly hash: OaepHash;
  /** Modulus size in bits (3072). */
  readonly bits: number;
}

export interface DecryptRecoveryBoxOptions {
  /** The hash recorded in the envelope; defaults to the configured one. */
  readonly hash?: OaepHash;
  /** The keyId recorded in the envelope; when given, a box sealed to another key is refused. */
  readonly keyId?: string;
}

export interface CoSigner {
  readonly backend: CoSignerBackend;
  /** Fresh Key #3: seed from the backend's RNG, wrapped by a non-extractable AES-256 key. */
  createBitcoinKey(network: BitcoinNetwork): Promise<CreatedBitcoinKey>;
  /**
   * Unwraps the seed, hands the BIP32 master to `fn`, and wipes seed and master afterwards,
   * whether `fn` resolves or throws. `fn` must not keep the key (it is wiped) and should wipe any
   * private children it derives (`child.wipePrivateData()`).
   */
  withBitcoinMaster<T>(wrapped: string, network: BitcoinNetwork, fn: (master: HDKey) => Promise<T> | T): Promise<T>;
  /** The service recovery key (RSA-OAEP 3072, private half non-extractable). Created on first use. */
  recoveryPublicKey(): Promise<RecoveryPublicKey>;
  /** Decrypts a base64 RSA-OAEP ciphertext inside the backend. The result is secret: wipe it after use. */
  decryptRecoveryBox(ciphertextB64: string, options?: DecryptRecoveryBoxOptions): Promise<Uint8Array>;
  /** Known-answer self-test (STYLE.md §9): BIP32 vector, wrap/unwrap + tamper, RSA-OAEP round trip. */
  selfTest(): Promise<void>;
  /** Closes the session (idempotent). Later calls fail with CoSignerError('CLOSED'). */
  close(): Promise<void>;
}

/** AES-GCM wrapping mechanisms, as recorded in the blob's `mech`. */
export type WrapMechanism = 'CKM_AES_GCM' | 'AES-256-GCM';

/**
 * The primitives a backend provides. Secret keys never leave it: the PKCS#11 vault only holds
 * object handles; the software vault holds node:crypto KeyObjects.
 */
export interface KeyVault {
  readonly backend: CoSignerBackend;
  readonly wrapMechanism: WrapMechanism;
  readonly oaepHash: OaepHash;
  randomBytes(length: number): Promise<Buffer>;
  /** Id (hex) of the current wrapping key, creating the key on first use. */
  currentWrappingKeyId(): Promise<string>;
  /** AES-256-GCM with a 128-bit tag; returns ciphertext ‖ tag. */
  seal(keyId: string, iv: Buffer, aad: Buffer, plaintext: Buffer): Promise<Buffer>;
  /** Inverse of seal. KEY_NOT_FOUND for an unknown keyId, BLOB_INVALID when authentication fails. */
  open(keyId: string, iv: Buffer, aad: Buffer, sealed: Buffer): Promise<Buffer>;
  /** Public half of the recovery key (SPKI DER), creating the key pair on first use. */
  recoveryKey(): Promise<{ spki: Buffer; modulusBytes: number }>;
  /** RSA-OAEP decryption with the recovery private key; RECOVERY_BOX_INVALID on failure. */
  recoveryDecrypt(ciphertext: Buffer, hash: OaepHash): Promise<Buffer>;
  close(): Promise<void>;
}
