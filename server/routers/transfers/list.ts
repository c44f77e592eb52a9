import { z } from 'zod';
import { WALLET_ROLES } from '@/lib/roles';
import { approvalStatus, type QuorumSnapshot } from '../../services/approvals';
import { listTransfers, loadTransfer } from '../../services/transfers';
import { walletProcedure } from '../../trpc';
import { ApprovalStatusOut, TransferIdIn, TransferOut, transferView } from './schemas';

export const list = walletProcedure(...WALLET_ROLES)
  .output(z.array(TransferOut))
  .query(async ({ ctx }) => (await listTransfers(ctx.db, ctx.wallet.id)).map(transferView));

/** One transfer with the policy's reasons and its approvals: the quorum tree and what is missing. */
export const get = walletProcedure(...WALLET_ROLES)
  .input(TransferIdIn)
  .output(TransferOut.extend({ explanation: z.array(z.string()), approval: ApprovalStatusOut }))
  .query(async ({ ctx, input }) => {
    const t = await loadTransfer(ctx.db, ctx.wallet, input.transferId);
    const approval = await approvalStatus(ctx.db, 'transfer', t.id, t.quorum as QuorumSnapshot | null, { kind: 'user', id: ctx.session.userId });
    return { ...transferView(t), explanation: ((t.decision as { explanation?: string[] } | null)?.explanation ?? []), approval };
  });
