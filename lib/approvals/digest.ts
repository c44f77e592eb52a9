/**
 * What an approver signs: the SHA-256 of the canonical JSON of the exact request plus the
 * approver's decision (docs/approval-proofs.md §1). The WebAuthn challenge of an approval IS this
 * digest, so the passkey assertion proves "this person decided <decision> on exactly this".
 *
 *   digest = SHA-256( UTF-8( canonicalJson(approvalPayload(request)) ) )
 *
 * Pure and isomorphic: the server, the browser (to show what is signed) and an auditor's offline
 * tool all run this code. Amounts are decimal strings of base units (satoshis), never JS numbers.
 * Changing anything here changes every digest: old approvals would stop verifying. The test
 * vector in tests/unit/approvals/digest.test.ts pins the encoding.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson, type JsonValue } from '@/lib/audit/canonical-json';
import { BITCOIN_NETWORKS, type BitcoinNetworkName } from '@/lib/wallet-constants';
import { toBase64url } from './encoding';

export const APPROVAL_PAYLOAD_TYPE = 'keystead.approval/1';
export const APPROVAL_DECISIONS = ['approve', 'reject'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];
export const APPROVAL_REQUEST_KINDS = ['transfer', 'policy_change', 'whitelist_change', 'member_change', 'password_recovery'] as const;
export type ApprovalRequestKind = (typeof APPROVAL_REQUEST_KINDS)[number];

/** 21 million BTC in satoshis: no amount above this is meaningful. */
export const MAX_SATS = 2_100_000_000_000_000n;
export const MAX_OUTPUTS = 1000;

/** An amount as given by a caller: a decimal string or a bigint (the DB's bigint columns). */
export type AmountInput = string | bigint;

export interface ApprovalOutput {
  address: string;
  /** Base units (satoshis) as a canonical decimal string: no sign, no leading zeros, no exponent. */
  amount: string;
}

/** The request being decided, as it appears in an export (`bundle.request`). */
export interface ApprovalRequest {
  orgId: string;
  walletId: string;
  requestId: string;
  requestKind: ApprovalRequestKind;
  chain: 'bitcoin';
  network: BitcoinNetworkName;
  asset: 'BTC';
  /** Payment outputs in payment order, change excluded. Empty for non-transfer kinds. */
  outputs: ApprovalOutput[];
  /** Maximum fee in base units. "0" for non-transfer kinds. */
  feeCap: string;
  policyVersion: number;
  /** Lowercase hex SHA-256 of the policy in force (64 characters). */
  policyHash: string;
  /** The proposed change for non-transfer kinds (JSON; integers only, amounts as strings). */
  body?: JsonValue;
}

/** What a caller passes: like ApprovalRequest, but amounts may also be bigints. */
export type ApprovalRequestInput = Omit<ApprovalRequest, 'outputs' | 'feeCap'> & {
  outputs: readonly { address: string; amount: AmountInput }[];
  feeCap: AmountInput;
};

export type ApprovalInput = ApprovalRequestInput & { decision: ApprovalDecision };

/** The canonical, signed object. Field set and spelling are part of the format. */
export interface ApprovalPayload extends ApprovalRequest {
  type: typeof APPROVAL_PAYLOAD_TYPE;
  decision: ApprovalDecision;
}

export type ApprovalInputErrorCode =
  | 'not_an_object'
  | 'unknown_field'
  | 'bad_id'
  | 'bad_decision'
  | 'bad_request_kind'
  | 'bad_chain'
  | 'bad_network'
  | 'bad_asset'
  | 'bad_outputs'
  | 'bad_address'
  | 'amount_not_string'
  | 'bad_amount'
  | 'bad_fee_cap'
  | 'bad_policy_version'
  | 'bad_policy_hash'
  | 'bad_body';

/** The request cannot be turned into a payload; `path` names the offending field. */
export class ApprovalInputError extends Error {
  override readonly name = 'ApprovalInputError';
  constructor(
    readonly code: ApprovalInputErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const REQUEST_FIELDS = new Set(['orgId', 'walletId', 'requestId', 'requestKind', 'chain', 'network', 'asset', 'outputs', 'feeCap', 'policyVersion', 'policyHash', 'body']);
const ID_RE = /^[\u0021-\u007e]{1,128}$/;
const ADDRESS_RE = /^[\u0021-\u007e]{1,128}$/;
const DECIMAL_RE = /^(0|[1-9][0-9]{0,18})$/;
const POLICY_HASH_RE = /^[0-9a-f]{64}$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function id(value: unknown, path: string): string {
  if (typeof value !== 'string' || !ID_RE.test(value)) throw new ApprovalInputError('bad_id', path, 'must be 1-128 printable ASCII characters without spaces');
  return value;
}

/** Canonical decimal string of base units; bigints accepted, JS numbers refused. */
export function canonicalAmount(value: unknown, path: string, { allowZero }: { allowZero: boolean }): string {
  let text: string;
  if (typeof value === 'bigint') text = value.toString();
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number') throw new ApprovalInputError('amount_not_string', path, 'amounts must be decimal strings (or bigints), never JS numbers');
  else throw new ApprovalInputError('bad_amount', path, 'must be a decimal string of base units');
  if (!DECIMAL_RE.test(text)) throw new ApprovalInputError('bad_amount', path, `"${text.slice(0, 40)}" is not a canonical decimal integer (no sign, leading zeros, decimals or exponent)`);
  const n = BigInt(text);
  if (n > MAX_SATS) throw new ApprovalInputError('bad_amount', path, 'exceeds 21,000,000 BTC');
  if (n === 0n && !allowZero) throw new ApprovalInputError('bad_amount', path, 'must be greater than zero');
  return text;
}

function checkBody(value: unknown, path: string, depth = 0): JsonValue {
  if (depth > 16) throw new ApprovalInputError('bad_body', path, 'nested too deeply');
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new ApprovalInputError('bad_body', path, 'numbers must be safe integers (put amounts and decimals in strings)');
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => checkBody(v, `${path}[${i}]`, depth + 1));
  if (isPlainObject(value)) {
    // Null prototype: a "__proto__" key from JSON.parse stays an own, hashed member.
    const out: Record<string, JsonValue> = Object.create(null);
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[k] = checkBody(v, `${path}.${k}`, depth + 1);
    }
    return out;
  }
  throw new ApprovalInputError('bad_body', path, `unsupported value of type ${typeof value}`);
}

/**
 * Validates and normalises a request (without decision). Unknown fields are refused: a field an
 * auditor reads must be a field the approver signed. Used for bundles and for payloads.
 */
export function normalizeApprovalRequest(input: unknown, path = 'request'): ApprovalRequest {
  if (!isPlainObject(input)) throw new ApprovalInputError('not_an_object', path, 'must be an object');
  for (const key of Object.keys(input)) {
    if (!REQUEST_FIELDS.has(key)) throw new ApprovalInputError('unknown_field', `${path}.${key}`, 'is not part of an approval request');
  }
  const r = input;
  const orgId = id(r.orgId, `${path}.orgId`);
  const walletId = id(r.walletId, `${path}.walletId`);
  const requestId = id(r.requestId, `${path}.requestId`);
  const requestKind = r.requestKind;
  if (!(APPROVAL_REQUEST_KINDS as readonly unknown[]).includes(requestKind)) {
    throw new ApprovalInputError('bad_request_kind', `${path}.requestKind`, `must be one of ${APPROVAL_REQUEST_KINDS.join(', ')}`);
  }
  if (r.chain !== 'bitcoin') throw new ApprovalInputError('bad_chain', `${path}.chain`, 'must be "bitcoin"');
  if (!(BITCOIN_NETWORKS as readonly unknown[]).includes(r.network)) {
    throw new ApprovalInputError('bad_network', `${path}.network`, `must be one of ${BITCOIN_NETWORKS.join(', ')}`);
  }
  if (r.asset !== 'BTC') throw new ApprovalInputError('bad_asset', `${path}.asset`, 'must be "BTC"');
  if (!Array.isArray(r.outputs) || r.outputs.length > MAX_OUTPUTS) {
    throw new ApprovalInputError('bad_outputs', `${path}.outputs`, `must be an array of at most ${MAX_OUTPUTS} outputs`);
  }
  const isTransfer = requestKind === 'transfer';
  if (isTransfer && r.outputs.length === 0) throw new ApprovalInputError('bad_outputs', `${path}.outputs`, 'a transfer needs at least one output');
  if (!isTransfer && r.outputs.length > 0) throw new ApprovalInputError('bad_outputs', `${path}.outputs`, `must be empty for ${String(requestKind)}`);
  const outputs = (r.outputs as unknown[]).map((o, i): ApprovalOutput => {
    const p = `${path}.outputs[${i}]`;
    if (!isPlainObject(o)) throw new ApprovalInputError('bad_outputs', p, 'must be an object { address, amount }');
    for (const key of Object.keys(o)) {
      if (key !== 'address' && key !== 'amount') throw new ApprovalInputError('unknown_field', `${p}.${key}`, 'outputs have only address and amount');
    }
    if (typeof o.address !== 'string' || !ADDRESS_RE.test(o.address)) {
      throw new ApprovalInputError('bad_address', `${p}.address`, 'must be 1-128 printable ASCII characters without spaces');
    }
    return { address: o.address, amount: canonicalAmount(o.amount, `${p}.amount`, { allowZero: false }) };
  });
  let feeCap: string;
  try {
    feeCap = canonicalAmount(r.feeCap, `${path}.feeCap`, { allowZero: true });
  } catch (error) {
    if (error instanceof ApprovalInputError && error.code === 'bad_amount') throw new ApprovalInputError('bad_fee_cap', error.path, error.message);
    throw error;
  }
  if (!isTransfer && feeCap !== '0') throw new ApprovalInputError('bad_fee_cap', `${path}.feeCap`, `must be "0" for ${String(requestKind)}`);
  if (typeof r.policyVersion !== 'number' || !Number.isSafeInteger(r.policyVersion) || r.policyVersion < 0) {
    throw new ApprovalInputError('bad_policy_version', `${path}.policyVersion`, 'must be a non-negative integer');
  }
  if (typeof r.policyHash !== 'string' || !POLICY_HASH_RE.test(r.policyHash)) {
    throw new ApprovalInputError('bad_policy_hash', `${path}.policyHash`, 'must be 64 lowercase hex characters (SHA-256)');
  }
  let body: JsonValue | undefined;
  if (isTransfer) {
    if (r.body !== undefined) throw new ApprovalInputError('bad_body', `${path}.body`, 'a transfer has no body: its content is outputs and feeCap');
  } else {
    if (r.body === undefined) throw new ApprovalInputError('bad_body', `${path}.body`, `is required for ${String(requestKind)}`);
    body = checkBody(r.body, `${path}.body`);
  }
  const request: ApprovalRequest = {
    orgId,
    walletId,
    requestId,
    requestKind: requestKind as ApprovalRequestKind,
    chain: 'bitcoin',
    network: r.network as BitcoinNetworkName,
    asset: 'BTC',
    outputs,
    feeCap,
    policyVersion: r.policyVersion,
    policyHash: r.policyHash,
  };
  if (body !== undefined) request.body = body;
  return request;
}

/** The canonical object that is hashed. Throws ApprovalInputError on any invalid field. */
export function approvalPayload(input: ApprovalInput): ApprovalPayload {
  if (!isPlainObject(input)) throw new ApprovalInputError('not_an_object', 'request', 'must be an object');
  const { decision, ...rest } = input as Record<string, unknown>;
  if (!(APPROVAL_DECISIONS as readonly unknown[]).includes(decision)) {
    throw new ApprovalInputError('bad_decision', 'decision', 'must be "approve" or "reject"');
  }
  return { type: APPROVAL_PAYLOAD_TYPE, decision: decision as ApprovalDecision, ...normalizeApprovalRequest(rest) };
}

/** The exact text that is hashed (useful to show an approver, or to debug a mismatch). */
export function approvalPayloadText(input: ApprovalInput): string {
  return canonicalJson(approvalPayload(input));
}

/**
 * SHA-256 over the UTF-8 of the canonical JSON payload: 32 bytes. Typed over a plain ArrayBuffer so
 * it can be passed as is to generateAuthenticationOptions({ challenge }) and to WebCrypto.
 */
export function approvalDigest(input: ApprovalInput): Uint8Array<ArrayBuffer> {
  return new Uint8Array(sha256(utf8ToBytes(approvalPayloadText(input))));
}

/**
 * The WebAuthn `challenge` for this digest, as it appears in clientDataJSON (base64url, no
 * padding). Server side, pass the digest BYTES to generateAuthenticationOptions({ challenge }):
 * @simplewebauthn would UTF-8-encode a string challenge, which then is no longer the digest.
 */
export function challengeFromDigest(digest: Uint8Array): string {
  if (!(digest instanceof Uint8Array) || digest.length !== 32) throw new TypeError('challengeFromDigest: digest must be 32 bytes');
  return toBase64url(digest);
}

export function digestHex(digest: Uint8Array): string {
  if (!(digest instanceof Uint8Array) || digest.length !== 32) throw new TypeError('digestHex: digest must be 32 bytes');
  return bytesToHex(digest);
}
