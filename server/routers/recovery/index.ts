import { z } from 'zod';
import { AuthenticationResponseSchema } from '@/lib/webauthn-schemas';
import { approvalCeremony, approvalStatusSimple } from '../../services/approvals';
import { cancelRecovery, decideRecovery, listRecoveries, loadRecovery, recoveryApprovalRequest, requestRecovery, revealPassword, type Recovery } from '../../services/password-recovery';
import { orgProcedure, router } from '../../trpc';
import { IsoDate } from '../schemas';

const RecoveryOut = z.object({
  id: z.uuid(),
  walletId: z.uuid(),
  requesterId: z.uuid(),
  state: z.enum(['pending_approval', 'waiting', 'revealed', 'rejected', 'cancelled', 'expired']),
  reason: z.string(),
  quorum: z.number().int(),
  createdAt: IsoDate,
  expiresAt: IsoDate,
  availableAt: IsoDate.nullable(),
  revealedAt: IsoDate.nullable(),
  decisions: z.array(z.object({ userId: z.string(), decision: z.enum(['approve', 'reject']), at: z.string() })),
});

async function view(ctx: { db: Parameters<typeof approvalStatusSimple>[0] }, r: Recovery) {
  const { box: _box, orgId: _org, ...rest } = r;
  return { ...rest, decisions: await approvalStatusSimple(ctx.db, 'recovery', r.id) };
}

const Box = z.object({ alg: z.literal('RSA-OAEP'), hash: z.enum(['SHA-1', 'SHA-256']), keyId: z.string().min(1).max(128), ct: z.string().min(16).max(4096).regex(/^[A-Za-z0-9+/=]+$/) });

/** Admins only: recovering a wallet password is an organisation-level act. */
const list = orgProcedure('admin')
  .output(z.array(RecoveryOut))
  .query(async ({ ctx }) => Promise.all((await listRecoveries(ctx.db, ctx.session.orgId)).map((r) => view(ctx, r))));

const request = orgProcedure('admin')
  .input(z.object({ walletId: z.uuid(), box: Box, reason: z.string().trim().min(3).max(500) }))
  .output(RecoveryOut)
  .mutation(async ({ ctx, input }) => view(ctx, await requestRecovery(ctx.db, ctx.config, await ctx.getCoSigner(), ctx.session, input, ctx.now())));

const Id = z.object({ requestId: z.uuid() });
const Decision = z.enum(['approve', 'reject']);

const approvalOptions = orgProcedure('admin')
  .input(Id.extend({ decision: Decision }))
  .output(z.object({ digest: z.string(), request: z.record(z.string(), z.unknown()), options: z.record(z.string(), z.unknown()) }))
  .query(async ({ ctx, input }) => {
    const request = await recoveryApprovalRequest(ctx.db, await loadRecovery(ctx.db, ctx.session.orgId, input.requestId));
    return { ...(await approvalCeremony(ctx.db, ctx.config, ctx.session.userId, request, input.decision)), request: request as unknown as Record<string, unknown> };
  });

const decide = (decision: 'approve' | 'reject') =>
  orgProcedure('admin')
    .input(Id.extend({ passkey: AuthenticationResponseSchema }))
    .output(RecoveryOut)
    .mutation(async ({ ctx, input }) =>
      view(ctx, await decideRecovery(ctx.db, ctx.config, ctx.session, await loadRecovery(ctx.db, ctx.session.orgId, input.requestId), decision, { kind: 'passkey', response: input.passkey }, ctx.now())),
    );

/** The password comes back sealed to the browser's one-time ECDH key (lib/crypto/reveal.ts). */
const reveal = orgProcedure('admin')
  .input(Id.extend({ publicKey: z.string().regex(/^[A-Za-z0-9_-]{80,100}$/) }))
  .output(z.object({ alg: z.literal('ECDH-P256+HKDF-SHA256+A256GCM'), epk: z.string(), iv: z.string(), ct: z.string() }))
  .mutation(async ({ ctx, input }) => revealPassword(ctx.db, await ctx.getCoSigner(), ctx.session, await loadRecovery(ctx.db, ctx.session.orgId, input.requestId), input.publicKey, ctx.now()));

const cancel = orgProcedure('admin')
  .input(Id)
  .output(RecoveryOut)
  .mutation(async ({ ctx, input }) => view(ctx, await cancelRecovery(ctx.db, ctx.session, await loadRecovery(ctx.db, ctx.session.orgId, input.requestId))));

export const recoveryRouter = router({ list, request, approvalOptions, approve: decide('approve'), reject: decide('reject'), reveal, cancel });
