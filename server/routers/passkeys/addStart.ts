import { z } from 'zod';
import { startAddPasskey } from '../../services/passkeys';
import { authedProcedure } from '../../trpc';
import { RegistrationOptionsOut } from '../schemas';

export const addStart = authedProcedure
  .input(z.object({}).optional())
  .output(RegistrationOptionsOut)
  .mutation(({ ctx }) => startAddPasskey(ctx.db, ctx.config, ctx.session));
