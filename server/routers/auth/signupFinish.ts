import { z } from 'zod';
import { IdSchema, PasskeyNameSchema } from '@/lib/schemas';
import { RegistrationResponseSchema } from '@/lib/webauthn-schemas';
import { finishSignup } from '../../services/accounts';
import { publicProcedure, setSessionCookie } from '../../trpc';
import { Ok } from '../schemas';

export const signupFinish = publicProcedure
  .input(z.object({ ceremonyId: IdSchema, response: RegistrationResponseSchema, passkeyName: PasskeyNameSchema.default('Passkey') }))
  .output(Ok)
  .mutation(async ({ ctx, input }) => {
    const session = await finishSignup(ctx.db, ctx.config, { ...input, userAgent: ctx.userAgent });
    setSessionCookie(ctx, session.token, session.expiresAt);
    return { ok: true as const };
  });
