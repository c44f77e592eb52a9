import { z } from 'zod';
import { unreadCount as countUnread } from '../../services/notifications';
import { authedProcedure } from '../../trpc';

/** Polled by the header's bell (every ~15 s), so it is one indexed count. */
export const unreadCount = authedProcedure
  .input(z.object({}).optional())
  .output(z.object({ count: z.number().int() }))
  .query(async ({ ctx }) => ({ count: await countUnread(ctx.db, ctx.session) }));
