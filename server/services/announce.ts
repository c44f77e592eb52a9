/**
 * State changes of transfers and change requests as events (webhooks) and in-app notifications
 * for the people who have to act or want to know. Called inside the transaction that makes the
 * change, so an event exists exactly when the change does (services/events.ts is an outbox).
 */
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { governanceRequests, transferRequests, wallets } from '@/db/schema';
import { satsToBtcString } from '@/lib/bitcoin/amount';
import type { EventType } from '@/lib/events';
import { quorumPrincipals } from '../policy';
import type { QuorumSnapshot } from './approvals';
import { emitEvent } from './events';
import { describeGovernance } from './governance-text';

type Transfer = typeof transferRequests.$inferSelect;
type Governance = typeof governanceRequests.$inferSelect;

function eligibleUsers(snapshot: QuorumSnapshot | null, except: (string | null)[]): string[] {
  if (!snapshot) return [];
  return quorumPrincipals(snapshot.node, { walletApprovers: snapshot.walletApprovers, groups: snapshot.groups, excluded: snapshot.excluded })
    .filter((p) => p.kind === 'user' && !except.includes(p.id))
    .map((p) => p.id);
}

const TRANSFER_TITLES: Partial<Record<EventType, string>> = {
  'transfer.pending_approval': 'needs your approval',
  'transfer.approved': 'is approved: ready to sign',
  'transfer.rejected': 'was rejected',
  'transfer.expired': 'expired without enough approvals',
  'transfer.broadcast': 'was broadcast',
  'transfer.confirmed': 'is confirmed',
  'transfer.failed': 'failed',
};

export async function announceTransfer(tx: DbOrTx, type: EventType, t: Transfer, extra: Record<string, string | number | null> = {}) {
  const [wallet] = await tx.select({ name: wallets.name }).from(wallets).where(eq(wallets.id, t.walletId));
  const outputs = (t.outputs as { address: string; valueSats: string }[]).map((o) => ({ address: o.address, valueSats: o.valueSats }));
  const total = outputs.reduce((s, o) => s + BigInt(o.valueSats), 0n);
  let userIds: string[] = [];
  if (type === 'transfer.pending_approval') userIds = eligibleUsers(t.quorum as QuorumSnapshot | null, [t.initiatorId]);
  else if (type === 'transfer.approved') userIds = [t.approvedBy, t.initiatorId].filter((x): x is string => !!x);
  else if (TRANSFER_TITLES[type] && t.initiatorId) userIds = [t.initiatorId];
  const what = `${satsToBtcString(total)} BTC from ${wallet?.name ?? 'a wallet'}`;
  await emitEvent(tx, {
    orgId: t.orgId,
    type,
    payload: { transferId: t.id, walletId: t.walletId, state: t.state, amountSats: total.toString(), outputs, feeSats: t.feeSats.toString(), txid: t.txid, policyVersion: t.policyVersion, ...extra },
    notify: userIds.length ? { userIds: [...new Set(userIds)], title: `Transfer of ${what} ${TRANSFER_TITLES[type]}`, body: outputs.map((o) => `${satsToBtcString(BigInt(o.valueSats))} BTC to ${o.address}`).join('\n'), link: `/wallets/${t.walletId}` } : undefined,
  });
}

export async function announceGovernance(tx: DbOrTx, type: EventType, r: Governance) {
  const userIds = type === 'governance.pending_approval' ? eligibleUsers(r.quorum as unknown as QuorumSnapshot, [r.initiatorId]) : [r.initiatorId];
  const summary = describeGovernance(r);
  const verb = type === 'governance.pending_approval' ? 'needs your approval' : type === 'governance.applied' ? 'was approved and applied' : 'was rejected';
  await emitEvent(tx, {
    orgId: r.orgId,
    type,
    payload: { requestId: r.id, walletId: r.walletId, kind: r.kind, state: r.state, summary, change: r.payload as Record<string, string | number | null> },
    notify: userIds.length ? { userIds, title: `Change “${summary}” ${verb}`, link: `/wallets/${r.walletId}/controls?tab=requests&request=${r.id}` } : undefined,
  });
}
