import { z } from 'zod';
import { loadTransfer, signingMaterial, submitUserSignature } from '../../services/transfers';
import { walletProcedure } from '../../trpc';
import { TransferIdIn, TransferOut, transferView } from './schemas';

/**
 * Released only to the signer (the final approver; see services/transfers maySign), and only
 * encrypted: the password never leaves the browser. Any wallet role may be that person (a
 * department head named in the quorum can be a viewer), so the service decides, not the tier.
 */
export const signingData = walletProcedure('approver', 'initiator', 'viewer')
  .input(TransferIdIn)
  .output(z.object({ psbt: z.string(), envelope: z.record(z.string(), z.unknown()) }))
  .mutation(async ({ ctx, input }) => signingMaterial(ctx.db, ctx.session, ctx.walletRole, await loadTransfer(ctx.db, ctx.wallet, input.transferId)));

export const submitSignature = walletProcedure('approver', 'initiator', 'viewer')
  .input(TransferIdIn.extend({ psbt: z.string().min(10).max(400_000) }))
  .output(TransferOut)
  .mutation(async ({ ctx, input }) => {
    const transfer = await loadTransfer(ctx.db, ctx.wallet, input.transferId);
    const done = await submitUserSignature(ctx.db, await ctx.getCoSigner(), await ctx.getChain(), ctx.session, ctx.wallet, transfer, input.psbt);
    return transferView(done);
  });
