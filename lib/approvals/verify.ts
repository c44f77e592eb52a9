/**
 * Offline verification of approval proofs (docs/approval-proofs.md). An auditor holding an
 * export (`ApprovalProofBundle`) re-checks every approval of a request with this code alone:
 * - passkey approvals: the WebAuthn assertion is re-verified from scratch (W3C WebAuthn L3
 *   §7.2 steps that apply offline): clientDataJSON type, challenge == base64url(approval digest
 *   recomputed from the request and the proof's decision), origin, rpIdHash, UP (UV reported),
 *   and the signature over authenticatorData || SHA-256(clientDataJSON) with the COSE key.
 * - API-key approvals: an Ed25519 or P-256 signature over the same digest.
 * Independent of @simplewebauthn; pure and isomorphic (runs in the browser and in Node).
 *
 * Not proven by a proof (and said so in the docs): the `at` time, the principal's name, and that
 * the key belongs to the principal (the audit log's key registration events bind those).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { CborError, CoseError, decodeCborPrefix, parseCosePublicKey, type CosePublicKey } from './cose';
import {
  APPROVAL_DECISIONS,
  ApprovalInputError,
  approvalDigest,
  challengeFromDigest,
  digestHex,
  normalizeApprovalRequest,
  type ApprovalDecision,
  type ApprovalRequest,
} from './digest';
import { bytesEqual, concat, fromBase64url, utf8Decode } from './encoding';
import { API_KEY_ALGORITHMS, verifyApiKeySignature, verifyCoseSignature, type ApiKeyAlgorithm, type SignatureCheck } from './signatures';

export const APPROVAL_BUNDLE_FORMAT = 'keystead.approval-proofs/1';

// ---------------------------------------------------------------------------------------------
// Format

export interface ApprovalPrincipal<K extends 'user' | 'api_key'> {
  kind: K;
  id: string;
  name: string;
}

export interface PasskeyApprovalProof {
  kind: 'passkey';
  principal: ApprovalPrincipal<'user'>;
  decision: ApprovalDecision;
  /** base64url, informational (not covered by the assertion signature). */
  credentialId: string;
  /** base64url of the COSE_Key bytes, exactly as @simplewebauthn's `credential.publicKey`. */
  publicKeyCose: string;
  authenticatorData: string;
  clientDataJSON: string;
  signature: string;
  /** ISO-8601 UTC time the server recorded (a claim of the server, not signed). */
  at: string;
}

export interface ApiKeyApprovalProof {
  kind: 'api_key';
  principal: ApprovalPrincipal<'api_key'>;
  decision: ApprovalDecision;
  algorithm: ApiKeyAlgorithm;
  /** base64url raw key: Ed25519 32 bytes; P-256 SEC1 33 (compressed) or 65 (uncompressed) bytes. */
  publicKey: string;
  /** base64url: Ed25519 64 bytes; P-256 64 bytes r||s (IEEE P1363). */
  signature: string;
  at: string;
}

export type ApprovalProof = PasskeyApprovalProof | ApiKeyApprovalProof;

export interface ApprovalProofBundle {
  format: typeof APPROVAL_BUNDLE_FORMAT;
  request: ApprovalRequest;
  rpId: string;
  origins: string[];
  approvals: ApprovalProof[];
}

export interface VerifyContext {
  rpId: string;
  origins: readonly string[];
  /** Also require the UV flag (Keystead asks for user verification). Default false: UV is reported. */
  requireUserVerification?: boolean;
}

/** Every reason an approval can fail verification (docs/approval-proofs.md lists each). */
export const APPROVAL_FAILURE_CODES = [
  'malformed_proof',
  'request_invalid',
  'cose_malformed',
  'cose_unsupported',
  'cose_private_key',
  'client_data_malformed',
  'client_data_type',
  'challenge_mismatch',
  'decision_mismatch',
  'origin_mismatch',
  'cross_origin',
  'auth_data_malformed',
  'rp_id_mismatch',
  'user_not_present',
  'user_not_verified',
  'public_key_malformed',
  'signature_malformed',
  'signature_invalid',
] as const;
export type ApprovalFailureCode = (typeof APPROVAL_FAILURE_CODES)[number];

export interface ApprovalFailure {
  code: ApprovalFailureCode;
  message: string;
}

export type ApprovalVerdict =
  | {
      ok: true;
      /** 'ES256' | 'EdDSA' | 'RS256' for passkeys; 'ed25519' | 'p256' for API keys. */
      algorithm: string;
      /** Passkeys only: the UV flag. */
      userVerified?: boolean;
      /** Passkeys only: the authenticator's signature counter (0 when it keeps none). */
      signCount?: number;
    }
  | { ok: false; reason: ApprovalFailure };

/** The export itself cannot be read (as opposed to one approval failing verification). */
export class ApprovalBundleError extends Error {
  override readonly name = 'ApprovalBundleError';
  constructor(
    readonly code: 'bundle_malformed' | 'bundle_format' | 'request_invalid',
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Structural checks (hand-written: no zod in the browser bundle)

const MAX_APPROVALS = 1000;
const B64URL_RE = /^[A-Za-z0-9_-]*$/;
const ISO_UTC_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$/;
const PRINTABLE_RE = /^[^\u0000-\u001f\u007f]{1,200}$/;
const ID_RE = /^[\u0021-\u007e]{1,128}$/;
const RP_ID_RE = /^[a-z0-9.-]{1,253}$/;
const ORIGIN_RE = /^https?:\/\/[A-Za-z0-9.:[\]-]{1,260}$/;

class ShapeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) if (!allowed.includes(key)) throw new ShapeError(`${path}.${key}`, 'unknown field');
}

function str(obj: Record<string, unknown>, key: string, path: string, re: RegExp, what: string): string {
  const v = obj[key];
  if (typeof v !== 'string' || !re.test(v)) throw new ShapeError(`${path}.${key}`, `must be ${what}`);
  return v;
}

function b64(obj: Record<string, unknown>, key: string, path: string, maxBytes: number): string {
  const v = str(obj, key, path, B64URL_RE, 'base64url without padding');
  const bytes = fromBase64url(v);
  if (!bytes) throw new ShapeError(`${path}.${key}`, 'is not canonical base64url (no padding, no stray bits)');
  if (bytes.length === 0 || bytes.length > maxBytes) throw new ShapeError(`${path}.${key}`, `must decode to 1-${maxBytes} bytes`);
  return v;
}

function principal<K extends 'user' | 'api_key'>(value: unknown, kind: K, path: string): ApprovalPrincipal<K> {
  if (!isObject(value)) throw new ShapeError(path, 'must be an object { kind, id, name }');
  onlyKeys(value, ['kind', 'id', 'name'], path);
  if (value.kind !== kind) throw new ShapeError(`${path}.kind`, `must be "${kind}" for this proof kind`);
  return { kind, id: str(value, 'id', path, ID_RE, '1-128 printable ASCII characters'), name: str(value, 'name', path, PRINTABLE_RE, '1-200 printable characters') };
}

function decision(value: unknown, path: string): ApprovalDecision {
  if (!(APPROVAL_DECISIONS as readonly unknown[]).includes(value)) throw new ShapeError(path, 'must be "approve" or "reject"');
  return value as ApprovalDecision;
}

/** Validates one proof's shape (not its cryptography). Throws ShapeError. */
function parseProof(value: unknown, path: string): ApprovalProof {
  if (!isObject(value)) throw new ShapeError(path, 'must be an object');
  if (value.kind === 'passkey') {
    onlyKeys(value, ['kind', 'principal', 'decision', 'credentialId', 'publicKeyCose', 'authenticatorData', 'clientDataJSON', 'signature', 'at'], path);
    return {
      kind: 'passkey',
      principal: principal(value.principal, 'user', `${path}.principal`),
      decision: decision(value.decision, `${path}.decision`),
      credentialId: b64(value, 'credentialId', path, 1023),
      publicKeyCose: b64(value, 'publicKeyCose', path, 2048),
      authenticatorData: b64(value, 'authenticatorData', path, 4096),
      clientDataJSON: b64(value, 'clientDataJSON', path, 8192),
      signature: b64(value, 'signature', path, 1024),
      at: str(value, 'at', path, ISO_UTC_RE, 'an ISO-8601 UTC time'),
    };
  }
  if (value.kind === 'api_key') {
    onlyKeys(value, ['kind', 'principal', 'decision', 'algorithm', 'publicKey', 'signature', 'at'], path);
    if (!(API_KEY_ALGORITHMS as readonly unknown[]).includes(value.algorithm)) throw new ShapeError(`${path}.algorithm`, `must be one of ${API_KEY_ALGORITHMS.join(', ')}`);
    return {
      kind: 'api_key',
      principal: principal(value.principal, 'api_key', `${path}.principal`),
      decision: decision(value.decision, `${path}.decision`),
      algorithm: value.algorithm as ApiKeyAlgorithm,
      publicKey: b64(value, 'publicKey', path, 1024),
      signature: b64(value, 'signature', path, 1024),
      at: str(value, 'at', path, ISO_UTC_RE, 'an ISO-8601 UTC time'),
    };
  }
  throw new ShapeError(`${path}.kind`, 'must be "passkey" or "api_key"');
}

/**
 * Reads an export (already JSON-parsed). Throws ApprovalBundleError if the envelope or the
 * request cannot be read. Approvals are only checked to be objects here: a malformed approval
 * is reported by verifyApprovalBundle as that approval's failure, so it cannot hide the others.
 */
export function parseApprovalProofBundle(input: unknown): ApprovalProofBundle {
  if (!isObject(input)) throw new ApprovalBundleError('bundle_malformed', '$', 'the file is not a JSON object');
  if (input.format !== APPROVAL_BUNDLE_FORMAT) {
    throw new ApprovalBundleError('bundle_format', '$.format', `expected "${APPROVAL_BUNDLE_FORMAT}", got ${JSON.stringify(input.format)?.slice(0, 60)}`);
  }
  try {
    onlyKeys(input, ['format', 'request', 'rpId', 'origins', 'approvals'], '$');
    const rpId = str(input, 'rpId', '$', RP_ID_RE, 'a lowercase host name (the WebAuthn RP ID)');
    const origins = input.origins;
    if (!Array.isArray(origins) || origins.length === 0 || origins.length > 16) throw new ShapeError('$.origins', 'must be an array of 1-16 origins');
    origins.forEach((o, i) => {
      if (typeof o !== 'string' || !ORIGIN_RE.test(o)) throw new ShapeError(`$.origins[${i}]`, 'must be an origin such as "https://keystead.example"');
    });
    const approvals = input.approvals;
    if (!Array.isArray(approvals) || approvals.length > MAX_APPROVALS) throw new ShapeError('$.approvals', `must be an array of at most ${MAX_APPROVALS} proofs`);
    approvals.forEach((a, i) => {
      if (!isObject(a)) throw new ShapeError(`$.approvals[${i}]`, 'must be an object');
    });
    let request: ApprovalRequest;
    try {
      request = normalizeApprovalRequest(input.request, '$.request');
    } catch (error) {
      if (error instanceof ApprovalInputError) throw new ApprovalBundleError('request_invalid', error.path, error.message.slice(error.path.length + 2));
      throw error;
    }
    return { format: APPROVAL_BUNDLE_FORMAT, request, rpId, origins: origins as string[], approvals: approvals as ApprovalProof[] };
  } catch (error) {
    if (error instanceof ShapeError) throw new ApprovalBundleError('bundle_malformed', error.path, error.message.slice(error.path.length + 2));
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// WebAuthn pieces

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;
const FLAG_ED = 0x80;

interface AuthenticatorData {
  rpIdHash: Uint8Array;
  flags: number;
  signCount: number;
}

type Step<T> = { ok: true; value: T } | { ok: false; reason: ApprovalFailure };
const failed = (code: ApprovalFailureCode, message: string): { ok: false; reason: ApprovalFailure } => ({ ok: false, reason: { code, message } });

/** authenticatorData of an assertion (WebAuthn §6.1): 37 bytes, plus an extensions map iff ED. */
function parseAuthenticatorData(bytes: Uint8Array): Step<AuthenticatorData> {
  if (bytes.length < 37) return failed('auth_data_malformed', `authenticatorData is ${bytes.length} bytes, at least 37 expected`);
  const flags = bytes[32]!;
  if (flags & FLAG_AT) return failed('auth_data_malformed', 'attested credential data (AT flag) in an assertion');
  if (flags & FLAG_BS && !(flags & FLAG_BE)) return failed('auth_data_malformed', 'backup state (BS) set without backup eligibility (BE)');
  if (flags & FLAG_ED) {
    try {
      const { value, end } = decodeCborPrefix(bytes, 37);
      if (!(value instanceof Map)) return failed('auth_data_malformed', 'extensions are not a CBOR map');
      if (end !== bytes.length) return failed('auth_data_malformed', `${bytes.length - end} bytes after the extensions`);
    } catch (error) {
      if (error instanceof CborError) return failed('auth_data_malformed', `extensions: ${error.message}`);
      throw error;
    }
  } else if (bytes.length !== 37) {
    return failed('auth_data_malformed', `${bytes.length - 37} unexpected bytes after the signature counter (ED flag not set)`);
  }
  const signCount = ((bytes[33]! * 0x100 + bytes[34]!) * 0x100 + bytes[35]!) * 0x100 + bytes[36]!;
  return { ok: true, value: { rpIdHash: bytes.subarray(0, 32), flags, signCount } };
}

interface ClientData {
  type: string;
  challenge: string;
  origin: string;
  crossOrigin?: boolean;
  topOrigin?: string;
}

function parseClientData(bytes: Uint8Array): Step<ClientData> {
  const text = utf8Decode(bytes);
  if (text === undefined) return failed('client_data_malformed', 'clientDataJSON is not valid UTF-8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return failed('client_data_malformed', 'clientDataJSON is not JSON');
  }
  if (!isObject(json)) return failed('client_data_malformed', 'clientDataJSON is not a JSON object');
  const { type, challenge, origin, crossOrigin, topOrigin } = json;
  if (typeof type !== 'string' || typeof challenge !== 'string' || typeof origin !== 'string') {
    return failed('client_data_malformed', 'clientDataJSON lacks string type, challenge or origin');
  }
  if (crossOrigin !== undefined && typeof crossOrigin !== 'boolean') return failed('client_data_malformed', 'crossOrigin is not a boolean');
  if (topOrigin !== undefined && typeof topOrigin !== 'string') return failed('client_data_malformed', 'topOrigin is not a string');
  return { ok: true, value: { type, challenge, origin, crossOrigin, topOrigin } };
}

const quote = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

function otherDecision(d: ApprovalDecision): ApprovalDecision {
  return d === 'approve' ? 'reject' : 'approve';
}

function fromSignatureCheck(check: SignatureCheck, algorithm: string, extra: { userVerified?: boolean; signCount?: number } = {}): ApprovalVerdict {
  return check.ok ? { ok: true, algorithm, ...extra } : { ok: false, reason: { code: check.code, message: check.message } };
}

function verifyPasskey(request: ApprovalRequest, proof: PasskeyApprovalProof, ctx: VerifyContext): ApprovalVerdict {
  // Decoding cannot fail after parseProof, but stay total for callers passing typed objects.
  const publicKeyCose = fromBase64url(proof.publicKeyCose);
  const authenticatorData = fromBase64url(proof.authenticatorData);
  const clientDataJSON = fromBase64url(proof.clientDataJSON);
  const signature = fromBase64url(proof.signature);
  if (!publicKeyCose || !authenticatorData || !clientDataJSON || !signature) return failed('malformed_proof', 'a base64url field does not decode');

  let key: CosePublicKey;
  try {
    key = parseCosePublicKey(publicKeyCose);
  } catch (error) {
    if (error instanceof CoseError) return failed(error.code, error.message);
    throw error;
  }

  const clientData = parseClientData(clientDataJSON);
  if (!clientData.ok) return clientData;
  const cd = clientData.value;
  if (cd.type !== 'webauthn.get') return failed('client_data_type', `clientDataJSON type is ${quote(cd.type)}, expected "webauthn.get"`);

  const expected = challengeFromDigest(approvalDigest({ ...request, decision: proof.decision }));
  if (cd.challenge !== expected) {
    const opposite = otherDecision(proof.decision);
    if (cd.challenge === challengeFromDigest(approvalDigest({ ...request, decision: opposite }))) {
      return failed('decision_mismatch', `the passkey signed "${opposite}" for this request, but the proof claims "${proof.decision}"`);
    }
    return failed('challenge_mismatch', `the passkey signed challenge ${quote(cd.challenge)}, not this request's digest ${expected} (request or decision differs from what was approved)`);
  }
  if (!ctx.origins.includes(cd.origin)) return failed('origin_mismatch', `origin ${quote(cd.origin)} is not one of ${ctx.origins.join(', ')}`);
  if (cd.crossOrigin === true || cd.topOrigin !== undefined) return failed('cross_origin', 'the assertion was made in a cross-origin frame');

  const authData = parseAuthenticatorData(authenticatorData);
  if (!authData.ok) return authData;
  const ad = authData.value;
  if (!bytesEqual(ad.rpIdHash, sha256(utf8ToBytes(ctx.rpId)))) return failed('rp_id_mismatch', `authenticatorData is not for RP ID ${quote(ctx.rpId)}`);
  if (!(ad.flags & FLAG_UP)) return failed('user_not_present', 'user presence (UP) flag not set');
  const userVerified = (ad.flags & FLAG_UV) !== 0;
  if (ctx.requireUserVerification && !userVerified) return failed('user_not_verified', 'user verification (UV) flag not set');

  const check = verifyCoseSignature(key, signature, concat(authenticatorData, sha256(clientDataJSON)));
  return fromSignatureCheck(check, key.name, { userVerified, signCount: ad.signCount });
}

function verifyApiKey(request: ApprovalRequest, proof: ApiKeyApprovalProof): ApprovalVerdict {
  const publicKey = fromBase64url(proof.publicKey);
  const signature = fromBase64url(proof.signature);
  if (!publicKey || !signature) return failed('malformed_proof', 'a base64url field does not decode');
  const check = verifyApiKeySignature(approvalDigest({ ...request, decision: proof.decision }), proof.algorithm, publicKey, signature);
  if (!check.ok && check.code === 'signature_invalid') {
    const opposite = otherDecision(proof.decision);
    if (verifyApiKeySignature(approvalDigest({ ...request, decision: opposite }), proof.algorithm, publicKey, signature).ok) {
      return failed('decision_mismatch', `the API key signed "${opposite}" for this request, but the proof claims "${proof.decision}"`);
    }
    return failed('signature_invalid', `${check.message}: the request or decision differs from what was signed, or another key signed it`);
  }
  return fromSignatureCheck(check, proof.algorithm);
}

/**
 * Verifies one approval of `request`. Never throws for bad data: every failure is a verdict
 * with a code. `proof` may be unvalidated JSON (its shape is checked first).
 */
export function verifyApprovalProof(request: ApprovalRequest, proof: ApprovalProof | unknown, ctx: VerifyContext): ApprovalVerdict {
  let normalized: ApprovalRequest;
  try {
    normalized = normalizeApprovalRequest(request);
  } catch (error) {
    if (error instanceof ApprovalInputError) return failed('request_invalid', error.message);
    throw error;
  }
  let parsed: ApprovalProof;
  try {
    parsed = parseProof(proof, 'approval');
  } catch (error) {
    if (error instanceof ShapeError) return failed('malformed_proof', error.message);
    throw error;
  }
  return parsed.kind === 'passkey' ? verifyPasskey(normalized, parsed, ctx) : verifyApiKey(normalized, parsed);
}

export interface ApprovalResult {
  index: number;
  kind: string;
  principal: { kind: string; id: string; name: string } | null;
  decision: string | null;
  verdict: ApprovalVerdict;
}

export interface BundleVerification {
  /** True iff there is at least one approval and every approval verifies. */
  ok: boolean;
  /** The two digests of the request (hex), for cross-checking with the server's records. */
  digests: Record<ApprovalDecision, string>;
  results: ApprovalResult[];
  /** Distinct principals ("user:<id>" / "api_key:<id>") with a verified decision of each kind. */
  verified: Record<ApprovalDecision, string[]>;
}

function describe(value: unknown): Pick<ApprovalResult, 'kind' | 'principal' | 'decision'> {
  const v = isObject(value) ? value : {};
  const p = isObject(v.principal) ? v.principal : undefined;
  return {
    kind: typeof v.kind === 'string' ? v.kind : '?',
    principal: p ? { kind: String(p.kind ?? '?'), id: String(p.id ?? '?'), name: String(p.name ?? '?') } : null,
    decision: typeof v.decision === 'string' ? v.decision : null,
  };
}

/** Verifies every approval of an export. Accepts raw JSON; throws ApprovalBundleError only if the export itself is unreadable. */
export function verifyApprovalBundle(input: ApprovalProofBundle | unknown, options: { requireUserVerification?: boolean } = {}): BundleVerification {
  const bundle = parseApprovalProofBundle(input);
  const ctx: VerifyContext = { rpId: bundle.rpId, origins: bundle.origins, requireUserVerification: options.requireUserVerification };
  const results = bundle.approvals.map((proof, index): ApprovalResult => ({ index, ...describe(proof), verdict: verifyApprovalProof(bundle.request, proof, ctx) }));
  const verified: Record<ApprovalDecision, string[]> = { approve: [], reject: [] };
  for (const r of results) {
    if (!r.verdict.ok || !r.principal || (r.decision !== 'approve' && r.decision !== 'reject')) continue;
    const who = `${r.principal.kind}:${r.principal.id}`;
    if (!verified[r.decision].includes(who)) verified[r.decision].push(who);
  }
  return {
    ok: results.length > 0 && results.every((r) => r.verdict.ok),
    digests: {
      approve: digestHex(approvalDigest({ ...bundle.request, decision: 'approve' })),
      reject: digestHex(approvalDigest({ ...bundle.request, decision: 'reject' })),
    },
    results,
    verified,
  };
}
