import { z } from 'zod';
import { API_SIGNING_ALGORITHMS } from '@/lib/api-keys';
import { setApiKeySigningKey } from '../../services/api-keys';
import { orgProcedure } from '../../trpc';
import { ApiKeyIdIn, SigningKeyIn } from './schemas';

/** Registers the public key the API key signs approvals with (null removes it). */
export const setSigningKey = orgProcedure('admin')
  .input(ApiKeyIdIn.extend({ signingKey: SigningKeyIn.nullable() }))
  .output(z.object({ signingAlgorithm: z.enum(API_SIGNING_ALGORITHMS).nullable(), signingPublicKey: z.string().nullable() }))
  .mutation(({ ctx, input }) => setApiKeySigningKey(ctx.db, ctx.session, input.apiKeyId, input.signingKey));
