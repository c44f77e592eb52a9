import { loadTransfer, submitDraft } from '../../services/transfers';
import { apiWalletProcedure } from '../../trpc';
import { TransferIdIn, TransferOut, transferView } from './schemas';

/** A draft enters approval under the policy in force now (draft → pending approval, or approved). */
export const submit = apiWalletProcedure({ scope: 'transfers:create', summary: 'Submit a draft transfer for approval.' }, 'approver', 'initiator')
  .input(TransferIdIn)
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => transferView(await submitDraft(ctx.db, ctx.config, ctx.actor, ctx.wallet, await loadTransfer(ctx.db, ctx.wallet, input.transferId))));
