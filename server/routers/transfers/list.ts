import { z } from 'zod';
import { WALLET_ROLES } from '@/lib/roles';
import { approvalStatus, type QuorumSnapshot } from '../../services/approvals';
import { listTransfers, loadTransfer } from '../../services/transfers';
import { apiWalletProcedure } from '../../trpc';
import { ApprovalStatusOut, TransferIdIn, TransferOut, transferView } from './schemas';

export const list = apiWalletProcedure({ scope: 'transfers:read', summary: 'The wallet’s 100 most recent transfers, newest first.' }, ...WALLET_ROLES)
  .output(z.array(TransferOut))
  .query(async ({ ctx }) => (await listTransfers(ctx.db, ctx.wallet.id)).map(transferView));

/** One transfer with the policy's reasons and its approvals: the quorum tree and what is missing. */
export const get = apiWalletProcedure({ scope: 'transfers:read', summary: 'One transfer with the policy’s reasons, the quorum, the decisions so far and whether the caller may decide.' }, ...WALLET_ROLES)
  .input(TransferIdIn)
  .output(TransferOut.extend({ explanation: z.array(z.string()), approval: ApprovalStatusOut }))
  .query(async ({ ctx, input }) => {
    const t = await loadTransfer(ctx.db, ctx.wallet, input.transferId);
    const approval = await approvalStatus(ctx.db, 'transfer', t.id, t.quorum as QuorumSnapshot | null, ctx.actor.principal);
    return { ...transferView(t), explanation: ((t.decision as { explanation?: string[] } | null)?.explanation ?? []), approval };
  });
