'use client';
/**
 * Everything waiting for my decision, across my wallets: transfers and change requests where the
 * frozen quorum counts my approval and I have not decided. Made for phones: one card per request,
 * the decide panel opens in place.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { formatSats } from '@/lib/bitcoin/amount';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';
import { PageHeader } from '@/components/shell/PageHeader';
import { outcomeText } from '@/components/controls/ChangeRequestsTab';
import { GovernanceDecidePanel, type DecideOutcome } from '@/components/controls/GovernanceDecidePanel';
import { GOVERNANCE_KINDS, relative, useNow } from '@/components/controls/labels';
import { ApprovalPanel } from '@/components/wallet/ApprovalPanel';

const POLL_MS = 15_000;

export function ApprovalsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow();
  const queue = useQuery({ ...trpc.approvals.queue.queryOptions(), refetchInterval: POLL_MS });
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const noticeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  async function closed(item: { id: string; summary: string }, outcome: DecideOutcome | null | 'transfer') {
    setOpen(null);
    const fresh = await queryClient.fetchQuery({ ...trpc.approvals.queue.queryOptions(), staleTime: 0 });
    await queryClient.invalidateQueries({ queryKey: trpc.transfers.pathKey() });
    const stillWaiting = fresh.items.some((i) => i.id === item.id);
    if (outcome && outcome !== 'transfer') setNotice(outcomeText(outcome));
    else if (outcome === 'transfer' && !stillWaiting) setNotice(`Your decision on “${item.summary}” was recorded.`);
    else setTimeout(() => headingRef.current?.focus());
  }

  const items = queue.data?.items ?? [];
  return (
    <>
      <PageHeader title="Approvals" lead="Transfers and changes to wallet controls that wait for your decision, most urgent first." />
      {notice && (
        <div ref={noticeRef} tabIndex={-1}>
          <Alert tone="success">{notice}</Alert>
        </div>
      )}
      <section className="card" aria-labelledby="queue-title">
        <h2 id="queue-title" ref={headingRef} tabIndex={-1}>
          Waiting for you{queue.data ? ` (${items.length})` : ''}
        </h2>
        {queue.error && <ErrorAlert error={queue.error} title="Could not load your approvals" />}
        {queue.isPending && <p className="muted">Loading…</p>}
        {queue.data && items.length === 0 && (
          <p className="muted" data-testid="queue-empty">
            Nothing is waiting for your decision.
          </p>
        )}
        {items.length > 0 && (
          <ul className="list queue">
            {items.map((item) => {
              const isOpen = open === item.id;
              const href = item.kind === 'governance' ? `/wallets/${item.walletId}/controls?tab=requests&request=${item.id}` : `/wallets/${item.walletId}`;
              return (
                <li key={item.id} className="queue-item" data-testid="queue-item">
                  <div className="list-row">
                    <Link href={href} className="queue-wallet">
                      {item.walletName}
                    </Link>
                    <Badge tone={item.kind === 'transfer' ? 'accent' : 'warn'}>{item.kind === 'transfer' ? 'Transfer' : GOVERNANCE_KINDS[item.governanceKind ?? 'policy_change']}</Badge>
                  </div>
                  {item.kind === 'transfer' ? (
                    <div className="queue-summary">
                      {item.outputs.map((o, i) => (
                        <div key={i}>
                          <strong className="mono">{formatSats(BigInt(o.valueSats), 'BTC')}</strong> to <code className="mono small break">{o.address}</code>
                        </div>
                      ))}
                      {item.feeSats && <div className="small muted">fee at most {formatSats(BigInt(item.feeSats), 'sat')}</div>}
                    </div>
                  ) : (
                    <p className="queue-summary break">
                      <strong>{item.summary}</strong>
                    </p>
                  )}
                  <p className="small muted">
                    {item.kind === 'transfer' ? 'Requested' : 'Proposed'} by {item.initiatorName} {relative(item.createdAt, now)}
                    {item.expiresAt && (
                      <>
                        {' '}
                        · <span title={formatDateTime(item.expiresAt)}>expires {relative(item.expiresAt, now)}</span>
                      </>
                    )}
                  </p>
                  {item.missing.length > 0 && (
                    <p className="small">
                      <strong>Still missing:</strong> {item.missing.join('; ')}
                    </p>
                  )}
                  {!isOpen && (
                    <div className="row-actions">
                      <Button onClick={() => { setNotice(null); setOpen(item.id); }}>
                        Review and decide<span className="visually-hidden">: {item.summary}</span>
                      </Button>
                    </div>
                  )}
                  {isOpen &&
                    (item.kind === 'transfer' ? (
                      <ApprovalPanel walletId={item.walletId} transferId={item.id} onDone={() => void closed(item, 'transfer')} />
                    ) : (
                      <GovernanceDecidePanel walletId={item.walletId} requestId={item.id} onDone={(o) => void closed(item, o)} />
                    ))}
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </>
  );
}
