import { z } from 'zod';

export const AuditEntryOut = z.object({
  orgId: z.uuid(),
  seq: z.number().int(),
  at: z.string(),
  actorUserId: z.uuid().nullable(),
  type: z.string(),
  payload: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});
