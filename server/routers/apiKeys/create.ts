import { z } from 'zod';
import { createApiKey } from '../../services/api-keys';
import { orgProcedure } from '../../trpc';
import { IsoDate } from '../schemas';
import { ApiKeyNameSchema, ExpiresAtSchema, ScopesSchema, SigningKeyIn } from './schemas';

/** The token is in this response only: the server keeps SHA-256(token). */
export const create = orgProcedure('admin')
  .input(z.object({ name: ApiKeyNameSchema, scopes: ScopesSchema, expiresAt: ExpiresAtSchema, signingKey: SigningKeyIn.nullable().optional() }))
  .output(z.object({ apiKeyId: z.uuid(), prefix: z.string(), token: z.string(), expiresAt: IsoDate }))
  .mutation(({ ctx, input }) => createApiKey(ctx.db, ctx.session, input));
