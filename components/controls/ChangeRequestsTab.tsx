'use client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';
import { useMe } from '@/components/shell/AppShell';
import { GovernanceDecidePanel, type DecideOutcome } from './GovernanceDecidePanel';
import { GOVERNANCE_KINDS, GOVERNANCE_STATES, relative, useNow } from './labels';

/** Words for what just happened, shown (and focused) after the panel closes. */
export function outcomeText(o: DecideOutcome): string {
  if (o.action === 'cancel') return `You withdrew “${o.summary}”.`;
  if (o.action === 'reject') return `You rejected “${o.summary}”. A rejection by an approver closes the request.`;
  return o.state === 'applied' ? `You approved “${o.summary}”. The quorum is complete: the change is applied.` : `You approved “${o.summary}”. It applies once the rest of the quorum approves.`;
}

export function ChangeRequestsTab({ walletId, openId, setOpenId }: { walletId: string; openId: string | null; setOpenId: (id: string | null) => void }) {
  const trpc = useTRPC();
  const me = useMe();
  const now = useNow();
  const list = useQuery({ ...trpc.governance.list.queryOptions({ walletId }), refetchInterval: 15_000 });
  const policy = useQuery(trpc.policies.get.queryOptions({ walletId }));
  const [outcome, setOutcome] = useState<DecideOutcome | null>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);

  if (list.error) return <ErrorAlert error={list.error} title="Could not load change requests" />;
  if (!list.data) return <p className="muted">Loading change requests…</p>;
  const nameOf = (id: string) => policy.data?.directory.users.find((u) => u.id === id)?.name ?? 'a former member';
  const pending = list.data.filter((r) => r.state === 'pending_approval');
  const past = list.data.filter((r) => r.state !== 'pending_approval');

  function close(o: DecideOutcome | null) {
    setOpenId(null);
    if (o) setOutcome(o);
    else setTimeout(() => headingRef.current?.focus());
  }

  const row = (r: (typeof list.data)[number]) => {
    const state = GOVERNANCE_STATES[r.state];
    const isOpen = openId === r.id;
    return (
      <li key={r.id} data-testid="change-request-row">
        <div className="list-row">
          <div className="wrap-anywhere">
            <strong>{r.summary}</strong>
            <div className="small muted">
              {GOVERNANCE_KINDS[r.kind]} · proposed by {nameOf(r.initiatorId)}
              {r.initiatorId === me.userId ? ' (you)' : ''} · {formatDateTime(r.createdAt)}
              {r.state === 'pending_approval' ? ` · expires ${relative(r.expiresAt, now)}` : r.decidedAt ? ` · closed ${formatDateTime(r.decidedAt)}` : ''}
            </div>
          </div>
          <Badge tone={state.tone}>{state.label}</Badge>
        </div>
        {!isOpen && (
          <div className="row-actions">
            <Button variant={r.state === 'pending_approval' ? 'primary' : 'secondary'} className="btn-small" onClick={() => { setOutcome(null); setOpenId(r.id); }}>
              {r.state === 'pending_approval' ? 'Review' : 'Details'}
              <span className="visually-hidden">: {r.summary}</span>
            </Button>
          </div>
        )}
        {isOpen && <GovernanceDecidePanel walletId={walletId} requestId={r.id} onDone={close} />}
      </li>
    );
  };

  return (
    <section className="card" aria-labelledby="changes-title">
      <h2 id="changes-title" ref={headingRef} tabIndex={-1}>
        Change requests
      </h2>
      <p className="small muted">
        Loosening changes (a new policy version, a whitelist addition, more power for a member) wait for the quorum of the active policy. Approvers decide with their passkey; a single rejection closes a request.
      </p>
      {outcome && (
        <div ref={outcomeRef} tabIndex={-1}>
          <Alert tone={outcome.action === 'approve' ? 'success' : 'info'}>{outcomeText(outcome)}</Alert>
        </div>
      )}
      <h3 className="small-title">Waiting for approval ({pending.length})</h3>
      {pending.length === 0 ? <p className="small muted">Nothing is waiting.</p> : <ul className="list">{pending.map(row)}</ul>}
      {past.length > 0 && (
        <>
          <h3 className="small-title">Past requests</h3>
          <ul className="list">{past.map(row)}</ul>
        </>
      )}
    </section>
  );
}
