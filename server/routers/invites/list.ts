import { z } from 'zod';
import { OrgRoleSchema } from '@/lib/schemas';
import { listPendingInvites } from '../../services/invites';
import { orgProcedure } from '../../trpc';
import { IsoDate } from '../schemas';

export const list = orgProcedure('admin')
  .input(z.object({}).optional())
  .output(
    z.array(
      z.object({
        id: z.uuid(),
        kind: z.enum(['join', 'reenrol']),
        email: z.string(),
        role: OrgRoleSchema,
        createdAt: IsoDate,
        expiresAt: IsoDate,
        createdByName: z.string(),
      }),
    ),
  )
  .query(({ ctx }) => listPendingInvites(ctx.db, ctx.session.orgId));
