/**
 * The caller's approval queue: every open request, across the wallets they are on, that waits for
 * their decision (transfers and change requests). A request is in the queue exactly when
 * `approvalStatus` (services/approvals.ts) would say `eligible && myDecision === null`: the same
 * frozen quorum, the same eligibility check (`assertEligible`) and the caller's stored decision.
 *
 * Cost is a fixed number of queries whatever the number of wallets: the caller's wallets, the
 * open transfers and change requests of those wallets, and the decisions on all of them at once;
 * the quorums are evaluated in memory from their frozen snapshots.
 */
import { and, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import { z } from 'zod';
import { approvals, governanceKind, governanceRequests, transferRequests, walletMembers, wallets } from '@/db/schema';
import { satsToBtcString } from '@/lib/bitcoin/amount';
import { principalName, type Principal } from '../../policy';
import { assertEligible, quorumStatus, type ApprovalRow, type QuorumSnapshot } from '../../services/approvals';
import { describeGovernance } from '../../services/governance-text';
import { principalOf } from '../../services/policies';
import { authedProcedure, router } from '../../trpc';

const QueueItem = z.object({
  kind: z.enum(['transfer', 'governance']),
  /** The transfer's or the change request's id. */
  id: z.uuid(),
  walletId: z.uuid(),
  walletName: z.string(),
  /** One line: "Send 0.015 BTC to bcrt1…" or the change request's summary. */
  summary: z.string(),
  /** For change requests: policy_change, whitelist_add, member_change. */
  governanceKind: z.enum(governanceKind.enumValues).nullable(),
  /** For transfers: the payments (sats as decimal strings) and the fee. */
  outputs: z.array(z.object({ address: z.string(), valueSats: z.string() })),
  feeSats: z.string().nullable(),
  initiatorName: z.string(),
  /** What the quorum still needs, in words. */
  missing: z.array(z.string()),
  /** How many decisions were recorded so far (by anyone). */
  decisionCount: z.number().int(),
  policyVersion: z.number().int().nullable(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
});

export type ApprovalQueueItem = z.infer<typeof QueueItem>;

const queue = authedProcedure
  .input(z.object({}).optional())
  .output(z.object({ items: z.array(QueueItem) }))
  .query(async ({ ctx }) => {
    const viewer: Principal = ctx.actor.principal;
    const mine = await ctx.db
      .select({ id: wallets.id, name: wallets.name })
      .from(walletMembers)
      .innerJoin(wallets, eq(wallets.id, walletMembers.walletId))
      .where(and(eq(walletMembers.userId, ctx.session.userId), eq(wallets.orgId, ctx.session.orgId)));
    if (mine.length === 0) return { items: [] };
    const walletIds = mine.map((w) => w.id);
    const walletName = new Map(mine.map((w) => [w.id, w.name]));
    const now = new Date();

    const [transfers, changes] = await Promise.all([
      ctx.db
        .select({
          id: transferRequests.id,
          walletId: transferRequests.walletId,
          initiatorId: transferRequests.initiatorId,
          initiatorApiKeyId: transferRequests.initiatorApiKeyId,
          outputs: transferRequests.outputs,
          feeSats: transferRequests.feeSats,
          quorum: transferRequests.quorum,
          policyVersion: transferRequests.policyVersion,
          createdAt: transferRequests.createdAt,
          expiresAt: transferRequests.expiresAt,
        })
        .from(transferRequests)
        .where(
          and(
            inArray(transferRequests.walletId, walletIds),
            eq(transferRequests.state, 'pending_approval'),
            or(isNull(transferRequests.expiresAt), gt(transferRequests.expiresAt, now)),
          ),
        ),
      ctx.db
        .select()
        .from(governanceRequests)
        .where(and(inArray(governanceRequests.walletId, walletIds), eq(governanceRequests.state, 'pending_approval'), gt(governanceRequests.expiresAt, now))),
    ]);

    // One query for the decisions on all of them, by (request_kind, request_id): the unique index's prefix.
    const byKind = [
      transfers.length > 0 ? and(eq(approvals.requestKind, 'transfer'), inArray(approvals.requestId, transfers.map((t) => t.id))) : undefined,
      changes.length > 0 ? and(eq(approvals.requestKind, 'governance'), inArray(approvals.requestId, changes.map((g) => g.id))) : undefined,
    ].filter((c) => c !== undefined);
    const decisions = new Map<string, ApprovalRow[]>();
    if (byKind.length > 0) {
      const rows = await ctx.db.select().from(approvals).where(or(...byKind)).orderBy(approvals.createdAt);
      for (const row of rows) {
        const key = `${row.requestKind}:${row.requestId}`;
        decisions.set(key, [...(decisions.get(key) ?? []), row]);
      }
    }

    /** null when the request does not wait for the viewer (not eligible, or already decided). */
    function waiting(kind: 'transfer' | 'governance', id: string, snapshot: QuorumSnapshot | null) {
      if (!snapshot) return null;
      const rows = decisions.get(`${kind}:${id}`) ?? [];
      if (rows.some((r) => r.principalKind === viewer.kind && r.principalId === viewer.id)) return null;
      try {
        assertEligible(snapshot, viewer);
      } catch {
        return null;
      }
      return { rows, missing: quorumStatus(snapshot, rows).missing };
    }

    const items: ApprovalQueueItem[] = [];
    for (const t of transfers) {
      const snapshot = t.quorum as QuorumSnapshot | null;
      const open = waiting('transfer', t.id, snapshot);
      if (!open) continue;
      const outputs = t.outputs as { address: string; valueSats: string }[];
      const total = outputs.reduce((sum, o) => sum + BigInt(o.valueSats), 0n);
      const to = outputs.length === 1 ? outputs[0]!.address : `${outputs.length} recipients`;
      items.push({
        kind: 'transfer',
        id: t.id,
        walletId: t.walletId,
        walletName: walletName.get(t.walletId) ?? '',
        summary: `Send ${satsToBtcString(total)} BTC to ${to}`,
        governanceKind: null,
        outputs,
        feeSats: t.feeSats.toString(),
        initiatorName: principalName(principalOf(t), snapshot!.names),
        missing: open.missing,
        decisionCount: open.rows.length,
        policyVersion: t.policyVersion,
        createdAt: t.createdAt.toISOString(),
        expiresAt: t.expiresAt?.toISOString() ?? null,
      });
    }
    for (const g of changes) {
      const snapshot = g.quorum as unknown as QuorumSnapshot;
      const open = waiting('governance', g.id, snapshot);
      if (!open) continue;
      items.push({
        kind: 'governance',
        id: g.id,
        walletId: g.walletId,
        walletName: walletName.get(g.walletId) ?? '',
        summary: describeGovernance(g),
        governanceKind: g.kind,
        outputs: [],
        feeSats: null,
        initiatorName: principalName({ kind: 'user', id: g.initiatorId }, snapshot.names),
        missing: open.missing,
        decisionCount: open.rows.length,
        policyVersion: g.policyVersion,
        createdAt: g.createdAt.toISOString(),
        expiresAt: g.expiresAt.toISOString(),
      });
    }
    // Most urgent first: the soonest deadline, then the oldest request.
    items.sort((a, b) => (a.expiresAt ?? '9999').localeCompare(b.expiresAt ?? '9999') || a.createdAt.localeCompare(b.createdAt));
    return { items };
  });

export const approvalsRouter = router({ queue });
