import { z } from 'zod';
import { revokeApiKey } from '../../services/api-keys';
import { orgProcedure } from '../../trpc';
import { IsoDate } from '../schemas';
import { ApiKeyIdIn } from './schemas';

/** Immediate: the key's next request is refused (API_KEY_REVOKED). */
export const revoke = orgProcedure('admin')
  .input(ApiKeyIdIn)
  .output(z.object({ ok: z.literal(true), revokedAt: IsoDate }))
  .mutation(async ({ ctx, input }) => ({ ok: true as const, ...(await revokeApiKey(ctx.db, ctx.session, input.apiKeyId)) }));
