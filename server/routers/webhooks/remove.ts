import { z } from 'zod';
import { IdSchema } from '@/lib/schemas';
import { removeWebhook } from '../../services/webhooks';
import { orgProcedure } from '../../trpc';
import { Ok } from '../schemas';

/** Deletes the webhook with its delivery log; queued deliveries are dropped (audited with counts). */
export const remove = orgProcedure('admin')
  .input(z.object({ webhookId: IdSchema }))
  .output(Ok)
  .mutation(async ({ ctx, input }) => {
    await removeWebhook(ctx.db, ctx.session, input.webhookId);
    return { ok: true as const };
  });
