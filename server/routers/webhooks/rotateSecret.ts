import { z } from 'zod';
import { IdSchema } from '@/lib/schemas';
import { rotateWebhookSecret } from '../../services/webhooks';
import { orgProcedure } from '../../trpc';

/** The new secret is shown once; every request from now on (retries included) is signed with it. */
export const rotateSecret = orgProcedure('admin')
  .input(z.object({ webhookId: IdSchema }))
  .output(z.object({ secret: z.string() }))
  .mutation(({ ctx, input }) => rotateWebhookSecret(ctx.db, ctx.session, input.webhookId));
