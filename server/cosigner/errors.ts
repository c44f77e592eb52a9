/**
 * One coded error class for the co-signer (STYLE.md §6). Every code carries a hint saying what
 * the operator should do next; the message is "what happened. what to do". None of these
 * messages is meant for end users: map them all to AppError('INTERNAL') at the tRPC boundary
 * and log the CoSignerError (its `cause` holds the PKCS#11 error, if any).
 */
export const COSIGNER_ERRORS = {
  CONFIG_INVALID: 'Fix the co-signer variables named above (see server/cosigner/config.ts) and restart.',
  HSM_UNAVAILABLE:
    'Check HSM_MODULE points at a readable PKCS#11 library (SoftHSM2: apt-get install -y softhsm2) and, for SoftHSM, that SOFTHSM2_CONF names a readable config.',
  HSM_TOKEN_NOT_FOUND:
    'Create the token with `bash scripts/hsm-init.sh` (SoftHSM) or set HSM_TOKEN_LABEL to an existing token; for SoftHSM also check SOFTHSM2_CONF points at the config hsm-init.sh printed.',
  HSM_LOGIN_FAILED: 'Check HSM_PIN is the user PIN of this token. A locked PIN must be reset by the token administrator (SO PIN).',
  HSM_OPERATION_FAILED: 'The HSM refused an operation; see the cause (a CKR_* code). Check the HSM logs and that the token supports CKM_AES_GCM and CKM_RSA_PKCS_OAEP.',
  KEY_NOT_FOUND:
    'This data was protected by a key that is not in this HSM token / keystore. Point the server at the token or keystore that made it (HSM_TOKEN_LABEL, SOFTHSM2_CONF, KEYSTEAD_SOFTWARE_KEYSTORE_DIR) or restore its backup.',
  KEY_POLICY_VIOLATION:
    'A key with the co-signer label exists but is not a sensitive, never-extractable key generated inside the HSM (or there are several). Remove the offending object with the token administrator; never weaken the check.',
  BLOB_INVALID: 'The wrapped key blob is malformed, was tampered with, or belongs to another network. Check the row it was read from; do not retry with edited data.',
  RECOVERY_BOX_INVALID:
    'The recovery box is not a valid RSA-OAEP ciphertext for this recovery key and hash. Check it was sealed to this keyId with the recorded OAEP hash.',
  SELF_TEST_FAILED: 'The co-signer backend failed its start-up self-test: do not serve requests. Check the HSM/keystore and the cause.',
  SOFTWARE_KEYSTORE_FORBIDDEN:
    'Configure a PKCS#11 HSM (HSM_MODULE, HSM_TOKEN_LABEL, HSM_PIN). Only if you accept a software key store in production, set KEYSTEAD_ALLOW_SOFTWARE_COSIGNER=true.',
  SOFTWARE_KEYSTORE_INVALID:
    'Check KEYSTEAD_SOFTWARE_KEYSTORE_SECRET (or the .secret file next to the keystore) is the one the keystore was created with, and that the files are intact and mode 0600.',
  CLOSED: 'The co-signer was closed; create a new one with createCoSigner().',
} as const;

export type CoSignerErrorCode = keyof typeof COSIGNER_ERRORS;

export class CoSignerError extends Error {
  override readonly name = 'CoSignerError';
  readonly code: CoSignerErrorCode;
  readonly hint: string;

  constructor(code: CoSignerErrorCode, what: string, options?: { cause?: unknown }) {
    super(`${what} ${COSIGNER_ERRORS[code]}`, options);
    this.code = code;
    this.hint = COSIGNER_ERRORS[code];
  }
}

export function isCoSignerError(value: unknown, code?: CoSignerErrorCode): value is CoSignerError {
  return value instanceof CoSignerError && (code === undefined || value.code === code);
}
