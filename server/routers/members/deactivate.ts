import { z } from 'zod';
import { IdSchema } from '@/lib/schemas';
import { setMemberStatus } from '../../services/members';
import { orgProcedure } from '../../trpc';

/** Deactivation also ends every session of that member at once. */
export const deactivate = orgProcedure('admin')
  .input(z.object({ userId: IdSchema }))
  .output(z.object({ changed: z.boolean() }))
  .mutation(({ ctx, input }) => setMemberStatus(ctx.db, ctx.session, { userId: input.userId, active: false }));
