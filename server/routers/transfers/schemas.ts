import { z } from 'zod';
import { transferState, type transferRequests } from '@/db/schema';
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
