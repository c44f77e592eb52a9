import { z } from 'zod';
import { startWalletCreation } from '../../services/wallets';
import { orgProcedure } from '../../trpc';
import { WalletNameSchema } from '@/lib/schemas';

const OriginOut = z.object({ fingerprint: z.string(), path: z.string(), xpub: z.string() });

/** Step 1 of the ceremony: the wallet row and Key #3 from the co-signer (HSM). */
export const createStart = orgProcedure('admin', 'member')
  .input(z.strictObject({ name: WalletNameSchema }))
  .output(
    z.object({
      walletId: z.uuid(),
      network: z.enum(['mainnet', 'testnet', 'regtest']),
      cosigner: OriginOut,
      recoveryKey: z.object({ keyId: z.string(), spki: z.string(), hash: z.enum(['SHA-1', 'SHA-256']), bits: z.number().int() }),
    }),
  )
  .mutation(async ({ ctx, input }) =>
    startWalletCreation(ctx.db, await ctx.getCoSigner(), ctx.session, { name: input.name, network: ctx.config.BITCOIN_NETWORK }),
  );
