import { z } from 'zod';
import { WALLET_ROLES } from '@/lib/roles';
import { approvalStatus, type QuorumSnapshot } from '../../services/approvals';
import { describeGovernance } from '../../services/governance-text';
import { listGovernance, loadGovernance } from '../../services/governance';
import { walletProcedure } from '../../trpc';
import { GovernanceDetailOut, GovernanceOut, RequestIdIn, governanceView } from './schemas';

export const list = walletProcedure(...WALLET_ROLES)
  .output(z.array(GovernanceOut.extend({ summary: z.string() })))
  .query(async ({ ctx }) => (await listGovernance(ctx.db, ctx.wallet.id)).map((r) => ({ ...governanceView(r), summary: describeGovernance(r) })));

export const get = walletProcedure(...WALLET_ROLES)
  .input(RequestIdIn)
  .output(GovernanceDetailOut)
  .query(async ({ ctx, input }) => {
    const r = await loadGovernance(ctx.db, ctx.wallet, input.requestId);
    const approval = await approvalStatus(ctx.db, 'governance', r.id, r.quorum as unknown as QuorumSnapshot, { kind: 'user', id: ctx.session.userId });
    return { ...governanceView(r), summary: describeGovernance(r), approval };
  });
