import { z } from 'zod';
import { IdSchema } from '@/lib/schemas';
import { createReenrolInvite } from '../../services/invites';
import { orgProcedure } from '../../trpc';
import { InviteLinkOut } from './create';

/** For a member who lost every passkey: a fresh invite that enrols a new one on their account. */
export const reenrol = orgProcedure('admin')
  .input(z.object({ userId: IdSchema }))
  .output(InviteLinkOut)
  .mutation(({ ctx, input }) => createReenrolInvite(ctx.db, ctx.config, ctx.session, input));
