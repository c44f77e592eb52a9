import { z } from 'zod';
import { OrgRoleSchema } from '@/lib/schemas';
import { listMembers } from '../../services/members';
import { authedProcedure } from '../../trpc';
import { IsoDate } from '../schemas';

/** Every member of the caller's organisation may see who else is in it. */
export const list = authedProcedure
  .input(z.object({}).optional())
  .output(
    z.array(
      z.object({
        userId: z.uuid(),
        email: z.string(),
        displayName: z.string(),
        role: OrgRoleSchema,
        status: z.enum(['active', 'deactivated']),
        joinedAt: IsoDate,
        passkeyCount: z.number().int(),
      }),
    ),
  )
  .query(({ ctx }) => listMembers(ctx.db, ctx.session.orgId));
