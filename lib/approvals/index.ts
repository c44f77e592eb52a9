/** Provable approvals: digest (what is signed), offline verification, API-key signing. See docs/approval-proofs.md. */
export * from './digest';
export { APPROVAL_BUNDLE_FORMAT, APPROVAL_FAILURE_CODES, ApprovalBundleError, parseApprovalProofBundle, verifyApprovalBundle, verifyApprovalProof } from './verify';
export type {
  ApiKeyApprovalProof,
  ApprovalFailure,
  ApprovalFailureCode,
  ApprovalPrincipal,
  ApprovalProof,
  ApprovalProofBundle,
  ApprovalResult,
  ApprovalVerdict,
  BundleVerification,
  PasskeyApprovalProof,
  VerifyContext,
} from './verify';
export { API_KEY_ALGORITHMS, apiKeyPublicKey, derToCompactP256, signApprovalWithApiKey, verifyApiKeySignature } from './signatures';
export type { ApiKeyAlgorithm, SignatureCheck, SignatureErrorCode } from './signatures';
export { CborError, CoseError, decodeCbor, parseCosePublicKey } from './cose';
export type { CosePublicKey } from './cose';
export { fromBase64url, toBase64url } from './encoding';
