import { z } from 'zod';
import { IdSchema } from '@/lib/schemas';
import { listDeliveries } from '../../services/webhooks';
import { orgProcedure } from '../../trpc';
import { DeliveryOut, LimitSchema } from './schemas';

/** The delivery log of one webhook, newest first. */
export const deliveries = orgProcedure('admin')
  .input(z.object({ webhookId: IdSchema, limit: LimitSchema(200, 50) }))
  .output(z.array(DeliveryOut))
  .query(({ ctx, input }) => listDeliveries(ctx.db, ctx.session.orgId, input));
