import { z } from 'zod';
import { signout as endSession } from '../../services/accounts';
import { authedProcedure, clearSession } from '../../trpc';
import { Ok } from '../schemas';

export const signout = authedProcedure
  .input(z.object({}).optional())
  .output(Ok)
  .mutation(async ({ ctx }) => {
    await endSession(ctx.db, ctx.session);
    clearSession(ctx);
    return { ok: true as const };
  });
