import { z } from 'zod';
import { IdSchema, InviteTokenSchema, PasskeyNameSchema } from '@/lib/schemas';
import { RegistrationResponseSchema } from '@/lib/webauthn-schemas';
import { finishAcceptInvite } from '../../services/invites';
import { publicProcedure, setSessionCookie } from '../../trpc';
import { Ok } from '../schemas';

export const acceptFinish = publicProcedure
  .input(
    z.object({
      token: InviteTokenSchema,
      ceremonyId: IdSchema,
      response: RegistrationResponseSchema,
      passkeyName: PasskeyNameSchema.default('Passkey'),
    }),
  )
  .output(Ok)
  .mutation(async ({ ctx, input }) => {
    const session = await finishAcceptInvite(ctx.db, ctx.config, { ...input, userAgent: ctx.userAgent });
    setSessionCookie(ctx, session.token, session.expiresAt);
    return { ok: true as const };
  });
