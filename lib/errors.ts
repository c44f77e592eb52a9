/**
 * One coded error class for the whole app (STYLE.md §6). Each code maps to exactly one tRPC
 * code and carries a message written for the person in front of the screen: what happened and
 * what to do next. The internal message (for logs) may say more.
 */
export const APP_ERRORS = {
  NOT_SIGNED_IN: { trpc: 'UNAUTHORIZED', user: 'Please sign in with your passkey to continue.' },
  SESSION_EXPIRED: { trpc: 'UNAUTHORIZED', user: 'Your session has ended. Sign in again with your passkey.' },
  API_KEY_INVALID: { trpc: 'UNAUTHORIZED', user: 'The API key is not valid. Send the whole token as `Authorization: Bearer ks_…`, or ask an admin for a new key.' },
  API_KEY_EXPIRED: { trpc: 'UNAUTHORIZED', user: 'This API key has expired. Ask an admin to create a new key.' },
  API_KEY_REVOKED: { trpc: 'UNAUTHORIZED', user: 'This API key was revoked by an admin. Ask an admin to create a new key.' },
  API_KEY_NOT_ALLOWED: { trpc: 'FORBIDDEN', user: 'API keys cannot call this operation; it is available to people signed in with a passkey only.' },
  API_KEY_SCOPE: { trpc: 'FORBIDDEN', user: 'This API key does not have the scope this operation needs. Ask an admin for a key with that scope.' },
  API_KEY_STATE: { trpc: 'PRECONDITION_FAILED', user: 'This API key is revoked or expired and can no longer be changed. Create a new key.' },
  API_KEY_EXPIRY_INVALID: { trpc: 'BAD_REQUEST', user: 'Choose an expiry date in the future and at most one year from today.' },
  API_SIGNING_KEY_INVALID: { trpc: 'BAD_REQUEST', user: 'The signing public key is not valid for the chosen algorithm. Paste the raw public key in base64url (Ed25519: 32 bytes; P-256: 33 or 65 bytes SEC1).' },
  ORIGIN_MISMATCH: { trpc: 'FORBIDDEN', user: 'This request did not come from the Keystead app. Reload the page and try again.' },
  FORBIDDEN_ROLE: { trpc: 'FORBIDDEN', user: 'Your role does not allow this. Ask an organisation admin.' },
  NOT_FOUND: { trpc: 'NOT_FOUND', user: 'That item does not exist or is not in your organisation.' },
  ACCOUNT_DEACTIVATED: { trpc: 'FORBIDDEN', user: 'This account has been deactivated. Ask an organisation admin to reactivate it.' },
  CHALLENGE_EXPIRED: { trpc: 'BAD_REQUEST', user: 'The passkey prompt expired or was already used. Start again.' },
  PASSKEY_VERIFICATION_FAILED: { trpc: 'BAD_REQUEST', user: 'The passkey response could not be verified. Try again, or use another passkey.' },
  UNKNOWN_PASSKEY: { trpc: 'UNAUTHORIZED', user: 'This passkey is not registered with Keystead. Use another passkey, or ask an admin for a re-enrolment invite.' },
  PASSKEY_ALREADY_REGISTERED: { trpc: 'CONFLICT', user: 'This passkey is already registered. Use a different authenticator.' },
  LAST_PASSKEY: { trpc: 'PRECONDITION_FAILED', user: 'You cannot remove your only passkey. Add another passkey first.' },
  EMAIL_TAKEN: { trpc: 'CONFLICT', user: 'A Keystead account already uses this email address. Use another address.' },
  INVITE_NOT_FOUND: { trpc: 'NOT_FOUND', user: 'This invite link is not valid. Ask your admin for a new invite.' },
  INVITE_EXPIRED: { trpc: 'BAD_REQUEST', user: 'This invite link has expired. Ask your admin for a new invite.' },
  INVITE_USED: { trpc: 'CONFLICT', user: 'This invite link has already been used. Ask your admin for a new invite.' },
  INVITE_REVOKED: { trpc: 'BAD_REQUEST', user: 'This invite was revoked by an admin. Ask your admin for a new invite.' },
  LAST_ADMIN: { trpc: 'PRECONDITION_FAILED', user: 'An organisation needs at least one active admin. Promote another member first.' },
  CANNOT_TARGET_SELF: { trpc: 'PRECONDITION_FAILED', user: 'You cannot do this to your own account. Ask another admin.' },
  INVALID_WALLET_KEYS: { trpc: 'BAD_REQUEST', user: 'The wallet keys sent by your browser are not valid. Start the wallet setup again.' },
  WALLET_MISMATCH: { trpc: 'BAD_REQUEST', user: 'Your browser and the server computed different wallet data. Nothing was saved; start the setup again and report this.' },
  WALLET_STATE: { trpc: 'PRECONDITION_FAILED', user: 'The wallet is not in a state that allows this. Reload the page to see its current state.' },
  KEYCARD_CODE_MISMATCH: { trpc: 'BAD_REQUEST', user: 'That code does not match the one printed on this wallet’s key card. Check the card and type the code again.' },
  GAP_LIMIT_REACHED: { trpc: 'PRECONDITION_FAILED', user: 'Twenty unused addresses are already issued. Reuse one of them until payments arrive.' },
  COSIGNER_UNAVAILABLE: { trpc: 'INTERNAL_SERVER_ERROR', user: 'The co-signer (HSM) is not available. Try again later or contact your Keystead operator.' },
  CHAIN_UNAVAILABLE: { trpc: 'INTERNAL_SERVER_ERROR', user: 'The Bitcoin node is not reachable. Balances may be out of date; try again in a minute.' },
  FAUCET_UNAVAILABLE: { trpc: 'PRECONDITION_FAILED', user: 'The test faucet only works on the local regtest chain.' },
  TRANSFER_INVALID: { trpc: 'BAD_REQUEST', user: 'This transfer cannot be made as entered. Check the addresses, amounts and fee rate.' },
  TRANSFER_STATE: { trpc: 'PRECONDITION_FAILED', user: 'The transfer is no longer in a state that allows this. Reload to see its current state.' },
  COSIGN_REFUSED: { trpc: 'BAD_REQUEST', user: 'The co-signer refused to sign: the transaction does not match what was approved. Nothing was broadcast.' },
  POLICY_INVALID: { trpc: 'BAD_REQUEST', user: 'The policy is not valid. Fix the field named in the message and submit it again; nothing was saved.' },
  POLICY_DENIED: { trpc: 'FORBIDDEN', user: 'The wallet’s policy does not allow this transfer. Nothing was created; the reasons are listed.' },
  POLICY_UNSATISFIABLE: { trpc: 'PRECONDITION_FAILED', user: 'Nobody who may approve this is available (you cannot approve your own request). Add an approver to the wallet, or change the policy.' },
  APPROVAL_NOT_ELIGIBLE: { trpc: 'FORBIDDEN', user: 'You are not one of the approvers this request needs.' },
  APPROVAL_INVALID: { trpc: 'BAD_REQUEST', user: 'The approval signature could not be verified. Confirm again with your passkey (or API signing key).' },
  ALREADY_EXISTS: { trpc: 'CONFLICT', user: 'That already exists or is already in effect. Reload to see the current state.' },
  RECOVERY_INVALID: { trpc: 'BAD_REQUEST', user: 'This Box 4 cannot be used for recovery here. Copy it again from the wallet’s key card.' },
  RECOVERY_STATE: { trpc: 'PRECONDITION_FAILED', user: 'This recovery request is no longer open for that. Reload to see its current state.' },
  RECOVERY_WAITING: { trpc: 'PRECONDITION_FAILED', user: 'The waiting period has not ended yet. Come back when it has.' },
  GOVERNANCE_STATE: { trpc: 'PRECONDITION_FAILED', user: 'This change request is no longer open. Reload to see its current state.' },
  BROADCAST_FAILED: { trpc: 'INTERNAL_SERVER_ERROR', user: 'The signed transaction could not be broadcast yet. Keystead keeps retrying; it will never be signed twice.' },
  WEBHOOK_URL_INVALID: { trpc: 'BAD_REQUEST', user: 'This webhook URL cannot be used. Enter a full https:// URL without a user name or password.' },
  WEBHOOK_INACTIVE: { trpc: 'PRECONDITION_FAILED', user: 'This webhook is turned off. Turn it on first, then try again.' },
  MALFORMED_REQUEST: { trpc: 'BAD_REQUEST', user: 'The request could not be read (malformed JSON). Reload the page and try again.' },
  PAYLOAD_TOO_LARGE: { trpc: 'PAYLOAD_TOO_LARGE', user: 'The request is too large. Reduce its size and try again.' },
  INTERNAL: { trpc: 'INTERNAL_SERVER_ERROR', user: 'Something went wrong on our side. Try again; if it persists, contact support.' },
} as const satisfies Record<string, { trpc: string; user: string }>;

export type AppErrorCode = keyof typeof APP_ERRORS;
export type TrpcErrorCode = (typeof APP_ERRORS)[AppErrorCode]['trpc'];

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: AppErrorCode;
  readonly userMessage: string;

  /** `options.userMessage` replaces the table's text when the cause has a more specific one. */
  constructor(code: AppErrorCode, internalMessage?: string, options?: { cause?: unknown; userMessage?: string }) {
    super(internalMessage ?? options?.userMessage ?? APP_ERRORS[code].user, options);
    this.code = code;
    this.userMessage = options?.userMessage ?? APP_ERRORS[code].user;
  }

  get trpcCode(): TrpcErrorCode {
    return APP_ERRORS[this.code].trpc;
  }
}

export function isAppErrorCode(value: unknown): value is AppErrorCode {
  return typeof value === 'string' && Object.hasOwn(APP_ERRORS, value);
}
