/**
 * API-key vocabulary shared by server and UI. Plain constants (no zod): the browser bundle imports
 * this file. Schemas live next to the procedures (server/routers/apiKeys).
 */
export const API_SCOPES = ['wallets:read', 'transfers:read', 'transfers:create', 'transfers:approve'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const API_SCOPE_LABELS: Record<ApiScope, { label: string; description: string }> = {
  'wallets:read': { label: 'Read wallets', description: 'List wallets, balances, transactions and receive addresses.' },
  'transfers:read': { label: 'Read transfers', description: 'List transfers and see their approval status.' },
  'transfers:create': { label: 'Create transfers', description: 'Propose transfers (as initiator) and cancel its own.' },
  'transfers:approve': { label: 'Approve transfers', description: 'Approve or reject by signing the request digest with the registered signing key.' },
};

/** Algorithms of the key an API key signs approvals with (lib/approvals/signatures.ts). */
export const API_SIGNING_ALGORITHMS = ['ed25519', 'p256'] as const;
export type ApiSigningAlgorithm = (typeof API_SIGNING_ALGORITHMS)[number];

export const API_SIGNING_ALGORITHM_LABELS: Record<ApiSigningAlgorithm, string> = {
  ed25519: 'Ed25519 (32-byte public key)',
  p256: 'ECDSA P-256 (SEC1, 33 or 65 bytes)',
};

/** An API key lives at most this long (a year, plus a day so "same date next year" is accepted). */
export const API_KEY_MAX_DAYS = 366;

/** `ks_<8 hex prefix>_<43 base64url chars = 32 random bytes>`. */
export const API_TOKEN_RE = /^ks_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
