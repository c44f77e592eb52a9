import { z } from 'zod';
import { IdSchema } from '@/lib/schemas';
import { revokeInvite } from '../../services/invites';
import { orgProcedure } from '../../trpc';
import { Ok } from '../schemas';

export const revoke = orgProcedure('admin')
  .input(z.object({ inviteId: IdSchema }))
  .output(Ok)
  .mutation(async ({ ctx, input }) => {
    await revokeInvite(ctx.db, ctx.session, input.inviteId);
    return { ok: true as const };
  });
