'use client';
/**
 * The browser half of every signed decision (transfers, change requests, password recovery):
 * the request the server asks us to sign must be the one on screen, its digest is recomputed
 * here from that request, and only then does the passkey sign the digest.
 */
import type { ApprovalDecision, ApprovalRequestInput } from '@/lib/approvals/digest';
import { assertPasskey } from '@/components/auth/passkey-browser';

export interface DecisionCeremony {
  digest: string;
  request: Record<string, unknown>;
  options: Record<string, unknown>;
}

export async function passkeyForDecision(ceremony: DecisionCeremony, decision: ApprovalDecision, matchesShown: (request: ApprovalRequestInput) => boolean) {
  const { approvalDigest, digestHex } = await import('@/lib/approvals/digest');
  const request = ceremony.request as unknown as ApprovalRequestInput;
  if (!matchesShown(request)) throw new Error('The request to sign differs from the one shown. Nothing was signed; reload the page.');
  if (digestHex(approvalDigest({ ...request, decision })) !== ceremony.digest) throw new Error('The server’s digest does not match the request. Nothing was signed; reload the page and report this.');
  return assertPasskey(ceremony.options);
}
