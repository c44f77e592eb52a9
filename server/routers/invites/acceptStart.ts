import { z } from 'zod';
import { DisplayNameSchema, InviteTokenSchema } from '@/lib/schemas';
import { startAcceptInvite } from '../../services/invites';
import { publicProcedure } from '../../trpc';
import { RegistrationOptionsOut } from '../schemas';

export const acceptStart = publicProcedure
  .input(z.object({ token: InviteTokenSchema, displayName: DisplayNameSchema }))
  .output(RegistrationOptionsOut)
  .mutation(({ ctx, input }) => startAcceptInvite(ctx.db, ctx.config, input));
