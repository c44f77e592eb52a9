import { z } from 'zod';
import { API_SCOPES, API_SIGNING_ALGORITHMS } from '@/lib/api-keys';
import { WalletRoleSchema } from '@/lib/schemas';
import { listApiKeys } from '../../services/api-keys';
import { orgProcedure } from '../../trpc';
import { IsoDate } from '../schemas';

/** The organisation's API keys: never the secret or its hash. */
export const list = orgProcedure('admin')
  .input(z.object({}).optional())
  .output(
    z.array(
      z.object({
        id: z.uuid(),
        name: z.string(),
        prefix: z.string(),
        scopes: z.array(z.enum(API_SCOPES)),
        status: z.enum(['active', 'expired', 'revoked']),
        signingAlgorithm: z.enum(API_SIGNING_ALGORITHMS).nullable(),
        signingPublicKey: z.string().nullable(),
        createdAt: IsoDate,
        createdByName: z.string().nullable(),
        expiresAt: IsoDate,
        revokedAt: IsoDate.nullable(),
        lastUsedAt: IsoDate.nullable(),
        wallets: z.array(z.object({ walletId: z.uuid(), walletName: z.string(), role: WalletRoleSchema })),
      }),
    ),
  )
  .query(({ ctx }) => listApiKeys(ctx.db, ctx.session.orgId));
