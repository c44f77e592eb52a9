import { z } from 'zod';
import { transferState, type transferRequests } from '@/db/schema';
import type { DisplayNode } from '../../services/approvals';
import { IsoDate } from '../schemas';

export const TransferOut = z.object({
  id: z.uuid(),
  walletId: z.uuid(),
  state: z.enum(transferState.enumValues),
  replacesId: z.uuid().nullable(),
  outputs: z.array(z.object({ address: z.string(), valueSats: z.string() })),
  sendMax: z.boolean(),
  feeRate: z.string(),
  feeSats: z.bigint().transform((v) => v.toString()),
  vsize: z.number().int(),
  initiatorId: z.uuid().nullable(),
  initiatorApiKeyId: z.uuid().nullable(),
  approvedBy: z.uuid().nullable(),
  signerId: z.uuid().nullable(),
  policyVersion: z.number().int().nullable(),
  expiresAt: IsoDate.nullable(),
  txid: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: IsoDate,
  approvedAt: IsoDate.nullable(),
  broadcastAt: IsoDate.nullable(),
  confirmedAt: IsoDate.nullable(),
});

export const TransferIdIn = z.object({ transferId: z.uuid() });

/** The stored JSON columns typed for the API (written only by services/transfers.ts). */
export function transferView(row: typeof transferRequests.$inferSelect) {
  return { ...row, outputs: row.outputs as { address: string; valueSats: string }[] };
}

const DisplayNodeOut: z.ZodType<DisplayNode> = z.lazy(() =>
  z.object({ text: z.string(), satisfied: z.boolean(), have: z.number(), need: z.number(), approvedBy: z.array(z.string()), children: z.array(DisplayNodeOut) }),
);

export const ApprovalStatusOut = z.object({
  tree: DisplayNodeOut.nullable(),
  missing: z.array(z.string()),
  decisions: z.array(z.object({ name: z.string(), principalKind: z.enum(['user', 'api_key']), decision: z.enum(['approve', 'reject']), at: z.string() })),
  eligible: z.boolean(),
  myDecision: z.enum(['approve', 'reject']).nullable(),
});
