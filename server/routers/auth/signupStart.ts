import { z } from 'zod';
import { DisplayNameSchema, EmailSchema, OrgNameSchema } from '@/lib/schemas';
import { startSignup } from '../../services/accounts';
import { publicProcedure } from '../../trpc';
import { RegistrationOptionsOut } from '../schemas';

export const signupStartInput = z.object({ orgName: OrgNameSchema, displayName: DisplayNameSchema, email: EmailSchema });

export const signupStart = publicProcedure
  .input(signupStartInput)
  .output(RegistrationOptionsOut)
  .mutation(({ ctx, input }) => startSignup(ctx.db, ctx.config, input));
