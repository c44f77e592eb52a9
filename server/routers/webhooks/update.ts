import { z } from 'zod';
import { IdSchema } from '@/lib/schemas';
import { updateWebhook, webhookUrlPolicy } from '../../services/webhooks';
import { orgProcedure } from '../../trpc';
import { EventListSchema, WebhookUrlSchema } from './schemas';

/** Pausing (active: false) keeps queued deliveries; they are sent when the webhook is turned on again. */
export const update = orgProcedure('admin')
  .input(z.object({ webhookId: IdSchema, url: WebhookUrlSchema.optional(), events: EventListSchema.optional(), active: z.boolean().optional() }))
  .output(z.object({ changed: z.boolean() }))
  .mutation(({ ctx, input }) => updateWebhook(ctx.db, ctx.session, input, webhookUrlPolicy(ctx.config)));
