import { z } from 'zod';
import { listPasskeys } from '../../services/passkeys';
import { authedProcedure } from '../../trpc';
import { IsoDate } from '../schemas';

export const list = authedProcedure
  .input(z.object({}).optional())
  .output(
    z.array(
      z.object({
        id: z.uuid(),
        name: z.string(),
        deviceType: z.string(),
        backedUp: z.boolean(),
        createdAt: IsoDate,
        lastUsedAt: IsoDate.nullable(),
      }),
    ),
  )
  .query(({ ctx }) => listPasskeys(ctx.db, ctx.session));
