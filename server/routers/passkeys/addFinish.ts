import { z } from 'zod';
import { IdSchema, PasskeyNameSchema } from '@/lib/schemas';
import { RegistrationResponseSchema } from '@/lib/webauthn-schemas';
import { finishAddPasskey } from '../../services/passkeys';
import { authedProcedure } from '../../trpc';

export const addFinish = authedProcedure
  .input(z.object({ ceremonyId: IdSchema, response: RegistrationResponseSchema, name: PasskeyNameSchema }))
  .output(z.object({ passkeyId: z.uuid() }))
  .mutation(({ ctx, input }) => finishAddPasskey(ctx.db, ctx.config, ctx.session, input));
