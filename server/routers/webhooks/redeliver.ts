import { z } from 'zod';
import { IdSchema } from '@/lib/schemas';
import { redeliver as requeue } from '../../services/webhooks';
import { orgProcedure } from '../../trpc';
import { Ok } from '../schemas';

/** Back to pending with a fresh retry schedule; the receiver gets the same event id again. */
export const redeliver = orgProcedure('admin')
  .input(z.object({ deliveryId: IdSchema }))
  .output(Ok)
  .mutation(async ({ ctx, input }) => {
    await requeue(ctx.db, ctx.session, input.deliveryId);
    return { ok: true as const };
  });
