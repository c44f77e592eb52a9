import { z } from 'zod';
import { listNotifications } from '../../services/notifications';
import { authedProcedure } from '../../trpc';
import { IsoDate } from '../schemas';

/** The caller's own notifications, newest first. */
export const list = authedProcedure
  .input(z.object({ limit: z.number().int().min(1).max(100).default(20), unreadOnly: z.boolean().default(false) }).default({ limit: 20, unreadOnly: false }))
  .output(
    z.array(
      z.object({
        id: z.uuid(),
        kind: z.string(),
        title: z.string(),
        body: z.string(),
        link: z.string().nullable(),
        createdAt: IsoDate,
        readAt: IsoDate.nullable(),
      }),
    ),
  )
  .query(({ ctx, input }) => listNotifications(ctx.db, ctx.session, input));
