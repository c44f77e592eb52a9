import { z } from 'zod';
import { finishWalletCreation } from '../../services/wallets';
import { walletProcedure } from '../../trpc';

const OriginIn = z.strictObject({ fingerprint: z.string().max(16), path: z.string().max(64), xpub: z.string().max(200) });

/**
 * Step 2: the browser registers public key origins and the encrypted Key #1. The input is a
 * strict object: anything else (a backup-key envelope, a plaintext key) is refused, not ignored.
 */
export const createFinish = walletProcedure('approver')
  .input(
    z.strictObject({
      walletId: z.uuid(),
      userKey: OriginIn,
      backupKey: OriginIn,
      userEnvelope: z.record(z.string(), z.unknown()).refine((v) => JSON.stringify(v).length <= 8192, 'envelope too large'),
      descriptor: z.string().max(1000),
      firstAddress: z.string().max(100),
    }),
  )
  .output(z.object({ descriptor: z.string(), firstAddress: z.string(), confirmCode: z.string() }))
  .mutation(({ ctx, input }) => finishWalletCreation(ctx.db, ctx.session, ctx.wallet, input));
