import { z } from 'zod';
import { IdSchema, OrgRoleSchema } from '@/lib/schemas';
import { changeRole as change } from '../../services/members';
import { orgProcedure } from '../../trpc';

export const changeRole = orgProcedure('admin')
  .input(z.object({ userId: IdSchema, role: OrgRoleSchema }))
  .output(z.object({ changed: z.boolean() }))
  .mutation(({ ctx, input }) => change(ctx.db, ctx.session, input));
