import { z } from 'zod';
import { InviteTokenSchema, OrgRoleSchema } from '@/lib/schemas';
import { lookupInvite } from '../../services/invites';
import { publicProcedure } from '../../trpc';
import { IsoDate } from '../schemas';

/** Public: the holder of an invite link sees whom it is for before creating a passkey. */
export const lookup = publicProcedure
  .input(z.object({ token: InviteTokenSchema }))
  .output(
    z.object({
      orgName: z.string(),
      email: z.string(),
      role: OrgRoleSchema,
      kind: z.enum(['join', 'reenrol']),
      expiresAt: IsoDate,
      displayName: z.string().nullable(),
    }),
  )
  .query(({ ctx, input }) => lookupInvite(ctx.db, input.token));
