import { z } from 'zod';
import { approvalDigest, challengeFromDigest, digestHex, type ApprovalDecision, type ApprovalRequestInput } from '@/lib/approvals';
import { AppError } from '@/lib/errors';
import { AuthenticationResponseSchema } from '@/lib/webauthn-schemas';
import { BITCOIN_NETWORKS } from '@/lib/wallet-constants';
import type { AppConfig } from '../../config';
import type { Db } from '@/db/client';
import { approvalCeremony, type ApprovalEvidence } from '../../services/approvals';
import { cancelTransfer, decideTransfer, loadTransfer, transferApprovalRequest, type Actor } from '../../services/transfers';
import { apiWalletProcedure } from '../../trpc';
import { TransferIdIn, TransferOut, transferView } from './schemas';

const Decision = z.enum(['approve', 'reject']);

/**
 * The request as it is signed (lib/approvals ApprovalRequest; amounts are decimal strings of
 * satoshis). Checked and documented (docs/openapi.json) field by field; its static type stays a
 * record because the browser's ApprovalPanel casts it to lib/approvals' ApprovalInput.
 */
const ApprovalRequestOut: z.ZodType<Record<string, unknown>> = z.object({
  orgId: z.string(),
  walletId: z.string(),
  requestId: z.string(),
  requestKind: z.literal('transfer'),
  chain: z.literal('bitcoin'),
  network: z.enum(BITCOIN_NETWORKS),
  asset: z.literal('BTC'),
  outputs: z.array(z.object({ address: z.string(), amount: z.string() })),
  feeCap: z.string(),
  policyVersion: z.number().int(),
  policyHash: z.string(),
});

/** Passed through to @simplewebauthn/browser for people; irrelevant to API keys (no credentials listed). */
const WebauthnOptions = z.record(z.string(), z.unknown()).describe('WebAuthn PublicKeyCredentialRequestOptions (JSON) for a passkey; its challenge is base64url(digest). API keys ignore it.');

async function ceremony(db: Db, config: AppConfig, actor: Actor, request: ApprovalRequestInput, decision: ApprovalDecision) {
  if (actor.principal.kind === 'user') return approvalCeremony(db, config, actor.principal.id, request, decision);
  // An API key signs the digest with its own key: no WebAuthn ceremony, but the same shape.
  const digest = approvalDigest({ ...request, decision });
  return {
    digest: digestHex(digest),
    options: { challenge: challengeFromDigest(digest), rpId: config.rpId, timeout: 120_000, userVerification: 'required' as const, allowCredentials: [] },
  };
}

/**
 * What deciding on a transfer signs: the digest of the exact request and the decision, with the
 * request itself so the signer can recompute the digest (the browser does before it signs; an API
 * client should too), and for people the WebAuthn options whose challenge is that digest.
 * Eligibility is the frozen quorum's business (a quorum may name a viewer), checked on decide.
 */
export const approvalOptions = apiWalletProcedure(
  { scope: 'transfers:approve', summary: 'The approval digest (hex) of a transfer and a decision, and the request it is computed from.' },
  'approver',
  'initiator',
  'viewer',
)
  .input(TransferIdIn.extend({ decision: Decision }))
  .output(z.object({ digest: z.string().describe('SHA-256 of the canonical approval payload, 64 hex characters: what is signed.'), request: ApprovalRequestOut, options: WebauthnOptions }))
  .query(async ({ ctx, input }) => {
    const transfer = await loadTransfer(ctx.db, ctx.wallet, input.transferId);
    const request = transferApprovalRequest(transfer, ctx.wallet);
    const result = await ceremony(ctx.db, ctx.config, ctx.actor, request, input.decision);
    return {
      ...result,
      request: { ...request, requestKind: 'transfer' as const, outputs: request.outputs.map((o) => ({ ...o, amount: String(o.amount) })), feeCap: String(request.feeCap) },
    };
  });

const DecideIn = TransferIdIn.extend({
  passkey: AuthenticationResponseSchema.optional().describe('People: the passkey assertion over the digest (from transfers.approvalOptions).'),
  signature: z
    .string()
    .min(16)
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding')
    .optional()
    .describe('API keys: base64url (no padding) signature of the 32 digest bytes by the key’s registered signing key (Ed25519: 64 bytes; P-256: 64 bytes r‖s).'),
})
  .refine((v) => (v.passkey === undefined) !== (v.signature === undefined), 'Send exactly one of passkey (people) or signature (API keys).')
  .describe('Send exactly one of `passkey` (people) or `signature` (API keys).');

/** People decide with a passkey, API keys with a signature by their registered key: never the other way round. */
function evidenceOf(actor: Actor, input: z.infer<typeof DecideIn>): ApprovalEvidence {
  if (actor.principal.kind === 'user') {
    if (!input.passkey) throw new AppError('APPROVAL_INVALID', 'a person sent a raw signature', { userMessage: 'People approve with their passkey; a raw signature is only for API keys.' });
    return { kind: 'passkey', response: input.passkey };
  }
  if (!input.signature) {
    throw new AppError('APPROVAL_INVALID', 'an API key sent a passkey assertion', { userMessage: 'API keys approve with `signature`: the digest signed by the key’s registered signing key.' });
  }
  return { kind: 'api_key', signature: input.signature };
}

export const approve = apiWalletProcedure({ scope: 'transfers:approve', summary: 'Approve a transfer: a signature over the approval digest (decision "approve").' }, 'approver', 'initiator', 'viewer')
  .input(DecideIn)
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => {
    const evidence = evidenceOf(ctx.actor, input);
    const transfer = await loadTransfer(ctx.db, ctx.wallet, input.transferId);
    return transferView(await decideTransfer(ctx.db, ctx.config, ctx.actor, ctx.wallet, transfer, 'approve', evidence));
  });

export const reject = apiWalletProcedure({ scope: 'transfers:approve', summary: 'Reject (veto) a transfer: a signature over the approval digest (decision "reject").' }, 'approver', 'initiator', 'viewer')
  .input(DecideIn)
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => {
    const evidence = evidenceOf(ctx.actor, input);
    const transfer = await loadTransfer(ctx.db, ctx.wallet, input.transferId);
    return transferView(await decideTransfer(ctx.db, ctx.config, ctx.actor, ctx.wallet, transfer, 'reject', evidence));
  });

/** The initiator withdraws their own request (approvers reject instead). */
export const cancel = apiWalletProcedure({ scope: 'transfers:create', summary: 'Withdraw a transfer the caller initiated, before it is signed.' }, 'approver', 'initiator')
  .input(TransferIdIn)
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => transferView(await cancelTransfer(ctx.db, ctx.actor, await loadTransfer(ctx.db, ctx.wallet, input.transferId))));
