import { z } from 'zod';
import { startSignin } from '../../services/accounts';
import { publicProcedure } from '../../trpc';
import { AuthenticationOptionsOut } from '../schemas';

export const signinStart = publicProcedure
  .input(z.object({}).optional())
  .output(AuthenticationOptionsOut)
  .mutation(({ ctx }) => startSignin(ctx.db, ctx.config));
