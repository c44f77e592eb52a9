import { z } from 'zod';
import { listWebhooks } from '../../services/webhooks';
import { orgProcedure } from '../../trpc';
import { IsoDate } from '../schemas';

/** Never includes the signing secret: it is shown once, by create and rotateSecret. */
export const list = orgProcedure('admin')
  .input(z.object({}).optional())
  .output(
    z.array(
      z
        .object({
          id: z.uuid(),
          url: z.string(),
          events: z.array(z.string()),
          active: z.boolean(),
          createdAt: IsoDate,
          createdByName: z.string().nullable(),
          pending: z.number().int(),
          delivered: z.number().int(),
          failed: z.number().int(),
          lastDeliveredAt: IsoDate.nullable(),
        })
        .strict(),
    ),
  )
  .query(({ ctx }) => listWebhooks(ctx.db, ctx.session.orgId));
