import { z } from 'zod';
import { EmailSchema, OrgRoleSchema } from '@/lib/schemas';
import { createInvite } from '../../services/invites';
import { orgProcedure } from '../../trpc';
import { IsoDate } from '../schemas';

export const InviteLinkOut = z.object({ inviteId: z.uuid(), url: z.url(), expiresAt: IsoDate });

export const create = orgProcedure('admin')
  .input(z.object({ email: EmailSchema, role: OrgRoleSchema }))
  .output(InviteLinkOut)
  .mutation(({ ctx, input }) => createInvite(ctx.db, ctx.config, ctx.session, input));
