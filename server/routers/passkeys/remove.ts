import { z } from 'zod';
import { IdSchema } from '@/lib/schemas';
import { removePasskey } from '../../services/passkeys';
import { authedProcedure } from '../../trpc';
import { Ok } from '../schemas';

export const remove = authedProcedure
  .input(z.object({ passkeyId: IdSchema }))
  .output(Ok)
  .mutation(async ({ ctx, input }) => {
    await removePasskey(ctx.db, ctx.session, input.passkeyId);
    return { ok: true as const };
  });
