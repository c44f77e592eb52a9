import { z } from 'zod';
import { IdSchema } from '@/lib/schemas';
import { markRead as mark } from '../../services/notifications';
import { authedProcedure } from '../../trpc';

/** Only the caller's own notifications change; other ids are ignored (counted out of `updated`). */
export const markRead = authedProcedure
  .input(z.union([z.object({ ids: z.array(IdSchema).min(1).max(200) }).strict(), z.object({ all: z.literal(true) }).strict()]))
  .output(z.object({ updated: z.number().int() }))
  .mutation(async ({ ctx, input }) => ({ updated: await mark(ctx.db, ctx.session, input) }));
