import { z } from 'zod';
import { governanceKind, governanceState } from '@/db/schema';
import { IsoDate } from '../schemas';
import { ApprovalStatusOut } from '../transfers/schemas';

export const GovernanceOut = z.object({
  id: z.uuid(),
  walletId: z.uuid(),
  kind: z.enum(governanceKind.enumValues),
  state: z.enum(governanceState.enumValues),
  payload: z.record(z.string(), z.unknown()),
  initiatorId: z.uuid(),
  policyVersion: z.number().int(),
  createdAt: IsoDate,
  expiresAt: IsoDate,
  decidedAt: IsoDate.nullable(),
});

export const GovernanceDetailOut = GovernanceOut.extend({ approval: ApprovalStatusOut, summary: z.string() });

export const RequestIdIn = z.object({ requestId: z.uuid() });

export function governanceView<T extends { payload: unknown }>(row: T): T & { payload: Record<string, unknown> } {
  return { ...row, payload: row.payload as Record<string, unknown> };
}
