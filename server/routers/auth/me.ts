import { z } from 'zod';
import { OrgRoleSchema } from '@/lib/schemas';
import { publicProcedure } from '../../trpc';
import { IsoDate } from '../schemas';

/** Public on purpose: answers "who am I?" with null when signed out, for the UI to branch on. */
export const me = publicProcedure
  .input(z.object({}).optional())
  .output(
    z
      .object({
        userId: z.uuid(),
        email: z.string(),
        displayName: z.string(),
        orgId: z.uuid(),
        orgName: z.string(),
        role: OrgRoleSchema,
        expiresAt: IsoDate,
      })
      .nullable(),
  )
  .query(({ ctx }) => {
    if (!ctx.session) return null;
    const { sessionId: _sessionId, ...me } = ctx.session;
    return me;
  });
