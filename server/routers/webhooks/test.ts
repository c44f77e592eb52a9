import { z } from 'zod';
import { IdSchema } from '@/lib/schemas';
import { sendTestPing } from '../../services/webhooks';
import { orgProcedure } from '../../trpc';

/** Queues a test.ping for this webhook only; the worker sends it within seconds. */
export const test = orgProcedure('admin')
  .input(z.object({ webhookId: IdSchema }))
  .output(z.object({ eventId: z.uuid(), deliveryId: z.uuid() }))
  .mutation(({ ctx, input }) => sendTestPing(ctx.db, ctx.session, input.webhookId));
