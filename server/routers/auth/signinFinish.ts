import { z } from 'zod';
import { IdSchema } from '@/lib/schemas';
import { AuthenticationResponseSchema } from '@/lib/webauthn-schemas';
import { finishSignin } from '../../services/accounts';
import { publicProcedure, setSessionCookie } from '../../trpc';
import { Ok } from '../schemas';

export const signinFinish = publicProcedure
  .input(z.object({ ceremonyId: IdSchema, response: AuthenticationResponseSchema }))
  .output(Ok)
  .mutation(async ({ ctx, input }) => {
    const session = await finishSignin(ctx.db, ctx.config, { ...input, userAgent: ctx.userAgent });
    setSessionCookie(ctx, session.token, session.expiresAt);
    return { ok: true as const };
  });
