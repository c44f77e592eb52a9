/**
 * An automated approver (an AML/KYC check) for Keystead's HTTP API. Standalone: Node 20+ (fetch,
 * WebCrypto), no dependencies, no Keystead code. It recomputes the approval digest itself from the
 * request (docs/approval-proofs.md §1) and signs only what it has screened.
 * Run with `npx tsx`, or copy the functions into your service. Tested by tests/api/api-keys.test.ts.
 */

/** The request as transfers.approvalOptions returns it: what the digest covers. */
export interface ApprovalRequest {
  orgId: string;
  walletId: string;
  requestId: string;
  requestKind: 'transfer';
  chain: 'bitcoin';
  network: 'mainnet' | 'testnet' | 'regtest';
  asset: 'BTC';
  /** Payments in order, change excluded; amounts in satoshis as decimal strings. */
  outputs: { address: string; amount: string }[];
  feeCap: string;
  policyVersion: number;
  policyHash: string;
}
export type Decision = 'approve' | 'reject';

/** JSON with object keys sorted, no whitespace (lib/audit/canonical-json.ts). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError('only safe integers are signed');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`cannot sign a ${typeof value}`);
}

/** digest = SHA-256(UTF-8(canonicalJson({ type: 'keystead.approval/1', decision, ...request }))) */
export async function approvalDigest(request: ApprovalRequest, decision: Decision): Promise<Uint8Array<ArrayBuffer>> {
  const payload = { ...request, type: 'keystead.approval/1', decision };
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson(payload))));
}

export const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
export const toBase64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/**
 * Signs the 32 digest bytes. P-256: ECDSA with SHA-256 (WebCrypto hashes the digest once more,
 * as Keystead expects) and a 64-byte r‖s signature. Ed25519: pure Ed25519 over the digest.
 */
export async function signDigest(privateKey: CryptoKey, digest: Uint8Array<ArrayBuffer>): Promise<string> {
  const algorithm = privateKey.algorithm.name === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
  return toBase64url(new Uint8Array(await crypto.subtle.sign(algorithm, privateKey, digest)));
}

/** What an admin registers as the key's signing key (Settings → API keys): the raw public key, base64url. */
export async function exportPublicKey(publicKey: CryptoKey): Promise<string> {
  return toBase64url(new Uint8Array(await crypto.subtle.exportKey('raw', publicKey)));
}

export interface KeysteadApi {
  /** e.g. https://keystead.example.com */
  baseUrl: string;
  /** ks_<prefix>_<secret> */
  token: string;
  fetch?: typeof fetch;
}

/** A refusal from the API: `appCode` is stable (lib/errors.ts), `userMessage` is readable. */
export class KeysteadError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly appCode: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** One procedure call: queries are GET ?input=<JSON>, mutations POST a JSON body. */
export async function call<T>(api: KeysteadApi, path: string, type: 'query' | 'mutation', input: unknown): Promise<T> {
  const url = `${api.baseUrl}/api/trpc/${path}` + (type === 'query' ? `?input=${encodeURIComponent(JSON.stringify(input))}` : '');
  const res = await (api.fetch ?? fetch)(url, {
    method: type === 'query' ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${api.token}`, ...(type === 'mutation' ? { 'content-type': 'application/json' } : {}) },
    body: type === 'mutation' ? JSON.stringify(input) : undefined,
  });
  const body = (await res.json()) as { result?: { data: T }; error?: { message: string; data: { code: string; appCode: string | null; userMessage: string } } };
  if (body.error) throw new KeysteadError(res.status, body.error.data.code, body.error.data.appCode, body.error.data.userMessage);
  return body.result!.data;
}

/**
 * Screens one transfer and signs the decision. `screen` sees exactly what will be signed and
 * returns the decision, or null to leave the transfer to others.
 */
export async function decideTransfer(
  api: KeysteadApi,
  privateKey: CryptoKey,
  walletId: string,
  transferId: string,
  screen: (request: ApprovalRequest) => Promise<Decision | null>,
) {
  type Options = { digest: string; request: ApprovalRequest };
  const first = await call<Options>(api, 'transfers.approvalOptions', 'query', { walletId, transferId, decision: 'approve' });
  const decision = await screen(first.request);
  if (!decision) return null;
  const { digest, request } = decision === 'approve' ? first : await call<Options>(api, 'transfers.approvalOptions', 'query', { walletId, transferId, decision });
  if (request.walletId !== walletId || request.requestId !== transferId) throw new Error('the server described another request; not signing');
  // Sign our own digest of the request we screened, and check the server computed the same.
  const mine = await approvalDigest(request, decision);
  if (toHex(mine) !== digest) throw new Error('digest mismatch: the request is not what the server will verify; not signing');
  const signature = await signDigest(privateKey, mine);
  return call<{ id: string; state: string }>(api, decision === 'approve' ? 'transfers.approve' : 'transfers.reject', 'mutation', { walletId, transferId, signature });
}
