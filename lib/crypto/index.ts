/**
 * Keystead wallet crypto: pure, isomorphic (browser + Node 20), audited libraries only
 * (@scure/bip32, @scure/btc-signer, @scure/base, @noble/hashes, hash-wasm, WebCrypto).
 * Specs per file: networks (BIP32 versions, BIP173, SLIP-44), keys (BIP32, BIP48, BIP380 origins),
 * envelope (RFC 9106, RFC 8018, SP 800-38D), descriptor (BIP380/382/383/389), address (BIP67,
 * BIP141, BIP173), recovery-box (RFC 8017 OAEP), password-strength (SP 800-63B floor).
 */
export { CRYPTO_ERRORS, CryptoError, isCryptoError, type CryptoErrorCode } from './errors';
export { BITCOIN_NETWORKS, isBitcoinNetwork, networkParams, type BitcoinNetwork, type NetworkParams } from './networks';
export {
  BIP48_SCRIPT_TYPE_P2WSH,
  assertDistinctOrigins,
  bip48AccountPath,
  fingerprintHex,
  generateWalletKey,
  originFromMasterXprv,
  parseKeyOrigin,
  walletKeyFromSeed,
  type GeneratedWalletKey,
  type KeyOrigin,
} from './keys';
export {
  DEFAULT_ARGON2ID_PARAMS,
  DEFAULT_PBKDF2_PARAMS,
  ENVELOPE_VERSION,
  KDF_LIMITS,
  KEY_ROLES,
  decryptKey,
  encryptKey,
  parseEnvelope,
  type Argon2idParams,
  type EncryptKeyOptions,
  type EnvelopeContext,
  type EnvelopeKdf,
  type EnvelopeStage,
  type KeyEnvelope,
  type KeyRole,
  type Pbkdf2Params,
} from './envelope';
export {
  branchDescriptors,
  descriptorChecksum,
  parseWalletDescriptor,
  verifyDescriptorChecksum,
  walletDescriptor,
  type WalletOrigins,
} from './descriptor';
export { MAX_ADDRESSES_PER_CALL, deriveAddress, deriveAddresses, type AddressBranch, type DerivedAddress } from './address';
export {
  MIN_RECOVERY_KEY_BITS,
  encryptPasswordForRecovery,
  type RecoveryBox,
  type RecoveryOaepHash,
  type RecoveryPublicKey,
} from './recovery-box';
export { MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, passwordPolicyErrors } from './password-strength';
