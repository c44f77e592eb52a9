import { z } from 'zod';
import { WALLET_ROLES } from '@/lib/roles';
import { changeWalletApiKey, changeWalletMember } from '../../services/governance';
import { walletPrincipals } from '../../services/policies';
import { actorOf } from '../../services/transfers';
import { router, walletProcedure } from '../../trpc';
import { GovernanceOut, governanceView } from '../governance/schemas';

const list = walletProcedure(...WALLET_ROLES)
  .output(
    z.object({
      people: z.array(z.object({ userId: z.uuid(), name: z.string(), email: z.string(), role: z.enum(WALLET_ROLES) })),
      apiKeys: z.array(z.object({ apiKeyId: z.uuid(), name: z.string(), role: z.enum(WALLET_ROLES) })),
    }),
  )
  .query(async ({ ctx }) => {
    const { people, keys } = await walletPrincipals(ctx.db, ctx.wallet.id);
    return { people, apiKeys: keys };
  });

/**
 * Wallet approvers grant access. Giving someone more power over funds (initiator or approver)
 * is a change request for the quorum; viewer grants, demotions and removals apply at once.
 */
const change = walletProcedure('approver')
  .input(z.object({ userId: z.uuid(), role: z.enum(WALLET_ROLES).nullable() }))
  .output(z.object({ applied: z.boolean(), request: GovernanceOut.nullable() }))
  .mutation(async ({ ctx, input }) => {
    const result = await changeWalletMember(ctx.db, ctx.config, { ...actorOf(ctx.session), userId: ctx.session.userId }, ctx.wallet, input);
    return { applied: result.applied, request: result.request ? governanceView(result.request) : null };
  });

/** The same for an API key's role on the wallet (an approver bot, a back-office initiator). */
const changeApiKey = walletProcedure('approver')
  .input(z.object({ apiKeyId: z.uuid(), role: z.enum(WALLET_ROLES).nullable() }))
  .output(z.object({ applied: z.boolean(), request: GovernanceOut.nullable() }))
  .mutation(async ({ ctx, input }) => {
    const result = await changeWalletApiKey(ctx.db, ctx.config, { ...actorOf(ctx.session), userId: ctx.session.userId }, ctx.wallet, input);
    return { applied: result.applied, request: result.request ? governanceView(result.request) : null };
  });

export const walletMembersRouter = router({ list, change, changeApiKey });
