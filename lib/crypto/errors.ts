/**
 * One coded error for lib/crypto (STYLE.md §6). Every failure a person can cause with outside
 * input (a password, a pasted xpub, a key file, a descriptor) is a CryptoError whose message
 * says what happened and what to do next. Programmer errors (wrong argument types, indexes out
 * of range) stay TypeError / RangeError.
 */
export const CRYPTO_ERRORS = {
  WRONG_PASSWORD:
    'Wrong password or damaged data: the key could not be decrypted. Check the password (it is case-sensitive) and that this key file belongs to this wallet and key.',
  ENVELOPE_MALFORMED:
    'This encrypted key is not in a format Keystead can read (a field is missing, has the wrong type or is badly encoded). Use the original, unmodified key file.',
  KDF_PARAMS_OUT_OF_RANGE:
    'This encrypted key asks for password-hashing settings outside the safe limits, so it was not processed. Use the original key file from Keystead.',
  UNSUPPORTED_VERSION:
    'This encrypted key was made by a newer or unknown version of Keystead. Update Keystead, or use a key file made by this version.',
  INVALID_XPUB:
    'This is not a valid extended public key (xpub/tpub). Copy it again from the device or app that shows it.',
  INVALID_XPRV:
    'This is not a valid master extended private key (xprv/tprv at depth 0). Use the key exactly as Keystead exported it.',
  INVALID_KEY_ORIGIN:
    'The key origin (fingerprint, derivation path or key) is invalid or inconsistent. Export the key again with its origin information.',
  NETWORK_MISMATCH:
    'This key belongs to a different Bitcoin network (mainnet vs testnet/regtest). Use a key made for this wallet’s network.',
  DUPLICATE_KEY:
    'The same key appears more than once. A 2-of-3 wallet needs three different keys.',
  INVALID_DESCRIPTOR:
    'This is not a Keystead wallet descriptor (wsh(sortedmulti(2, three keys with origins, /<0;1>/*))#checksum). Copy the full descriptor, including the #checksum.',
  CHECKSUM_MISMATCH:
    'The descriptor checksum does not match: the text was changed or mistyped. Copy the descriptor again exactly as printed.',
  INVALID_RECOVERY_KEY:
    'The recovery public key could not be read as an RSA SubjectPublicKeyInfo. Check the recovery key configuration.',
  RECOVERY_KEY_TOO_SMALL:
    'The recovery public key is shorter than 3072 bits, which is not allowed. Configure a 3072-bit or larger RSA key.',
  INVALID_REVEAL_KEY:
    'The one-time key for revealing the password is invalid, or the sealed password was changed. Start the reveal again from the same browser.',
  PASSWORD_TOO_LONG:
    'The password is too long to be encrypted for recovery. Choose a shorter password.',
  CRYPTO_UNAVAILABLE:
    'This browser does not provide the Web Crypto API. Use a current browser over HTTPS (or localhost).',
} as const satisfies Record<string, string>;

export type CryptoErrorCode = keyof typeof CRYPTO_ERRORS;

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;

  /** `detail` sharpens the message for this case; the default says what to do next. */
  constructor(code: CryptoErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail === undefined ? CRYPTO_ERRORS[code] : `${detail} ${CRYPTO_ERRORS[code]}`, options);
    this.code = code;
  }
}

export function isCryptoError(value: unknown, code?: CryptoErrorCode): value is CryptoError {
  return value instanceof CryptoError && (code === undefined || value.code === code);
}
