import { z } from 'zod';
import { createWebhook, webhookUrlPolicy } from '../../services/webhooks';
import { orgProcedure } from '../../trpc';
import { EventListSchema, WebhookUrlSchema } from './schemas';

/** Returns the signing secret: this is the only time it is shown (rotateSecret issues a new one). */
export const create = orgProcedure('admin')
  .input(z.object({ url: WebhookUrlSchema, events: EventListSchema.default([]) }))
  .output(z.object({ webhookId: z.uuid(), url: z.string(), events: z.array(z.string()), secret: z.string() }))
  .mutation(({ ctx, input }) => createWebhook(ctx.db, ctx.session, input, webhookUrlPolicy(ctx.config)));
