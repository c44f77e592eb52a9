'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { canonicalJson } from '@/lib/audit/canonical-json';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { CopyButton } from '@/components/ui/CopyButton';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';
import { passkeyForDecision } from '@/components/approvals/sign-decision';
import { useMe } from '@/components/shell/AppShell';
import { QuorumTree } from '@/components/wallet/QuorumTree';
import { ProposedPolicy } from './ProposedPolicy';
import { GOVERNANCE_KINDS, GOVERNANCE_STATES, WALLET_ROLE_LABELS, relative, useNow } from './labels';

type Decision = 'approve' | 'reject';

/** What the approval digest calls each kind (server/services/governance.ts DIGEST_KIND). */
const DIGEST_KIND = { policy_change: 'policy_change', whitelist_add: 'whitelist_change', whitelist_remove: 'whitelist_change', member_change: 'member_change' } as const;

export interface DecideOutcome {
  summary: string;
  /** What this person did: approve, reject or cancel. */
  action: Decision | 'cancel';
  /** The request's state afterwards (applied when this approval completed the quorum). */
  state: keyof typeof GOVERNANCE_STATES;
}

/**
 * Deciding on a change request (policy version, whitelist addition, member change): the same
 * signed approval as a transfer. Before the passkey prompt this browser recomputes the digest of
 * the change it shows and compares it with the server's, so what the person sees is what they sign.
 */
export function GovernanceDecidePanel({ walletId, requestId, onDone }: { walletId: string; requestId: string; onDone: (outcome: DecideOutcome | null) => void }) {
  const trpc = useTRPC();
  const me = useMe();
  const queryClient = useQueryClient();
  const now = useNow();
  const detail = useQuery(trpc.governance.get.queryOptions({ walletId, requestId }));
  const policy = useQuery(trpc.policies.get.queryOptions({ walletId }));
  const approve = useMutation(trpc.governance.approve.mutationOptions());
  const reject = useMutation(trpc.governance.reject.mutationOptions());
  const cancel = useMutation(trpc.governance.cancel.mutationOptions());
  const [stage, setStage] = useState<Decision | 'cancel' | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  // Focus moves into the panel when it opens, so keyboard and screen-reader users land on it.
  const loaded = Boolean(detail.data);
  useEffect(() => {
    if (loaded) headingRef.current?.focus();
  }, [loaded]);
  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  async function refreshAll() {
    await Promise.all(
      [trpc.governance.pathKey(), trpc.approvals.pathKey(), trpc.policies.pathKey(), trpc.whitelist.pathKey(), trpc.walletMembers.pathKey()].map((queryKey) =>
        queryClient.invalidateQueries({ queryKey }),
      ),
    );
  }

  async function decide(decision: Decision) {
    setError(null);
    setStage(decision);
    try {
      const ceremony = await queryClient.fetchQuery({ ...trpc.governance.approvalOptions.queryOptions({ walletId, requestId, decision }), staleTime: 0 });
      const shown = detail.data!;
      const passkey = await passkeyForDecision(
        ceremony,
        decision,
        (request) =>
          request.requestId === requestId &&
          request.walletId === walletId &&
          request.requestKind === DIGEST_KIND[shown.kind] &&
          request.policyVersion === shown.policyVersion &&
          request.outputs.length === 0 &&
          canonicalJson(request.body ?? null) === canonicalJson(shown.payload),
      );
      const result = await (decision === 'approve' ? approve : reject).mutateAsync({ walletId, requestId, passkey: passkey as never });
      await refreshAll();
      onDone({ summary: shown.summary, action: decision, state: result.state });
    } catch (e) {
      setError(e);
    } finally {
      setStage(null);
    }
  }

  async function cancelRequest() {
    setError(null);
    setStage('cancel');
    try {
      const result = await cancel.mutateAsync({ walletId, requestId });
      await refreshAll();
      onDone({ summary: detail.data!.summary, action: 'cancel', state: result.state });
    } catch (e) {
      setError(e);
    } finally {
      setStage(null);
      setConfirmCancel(false);
    }
  }

  if (detail.error) return <ErrorAlert error={detail.error} title="Could not load the change request" />;
  if (!detail.data) return <p className="muted small">Loading the change request…</p>;
  const r = detail.data;
  const a = r.approval;
  const pending = r.state === 'pending_approval';
  const state = GOVERNANCE_STATES[r.state];
  const users = policy.data?.directory.users ?? [];
  const nameOf = (id: string) => users.find((u) => u.id === id)?.name ?? 'a former member';
  const p = r.payload as Record<string, string | number | null>;
  const version = r.kind === 'policy_change' ? policy.data?.versions.find((v) => v.version === Number(p.version)) : undefined;

  return (
    <div className="sign-panel governance-panel stack" role="region" aria-label={`Change request: ${r.summary}`}>
      <div className="list-row">
        <h3 ref={headingRef} tabIndex={-1} className="wrap-anywhere">
          {r.summary}
        </h3>
        <Badge tone={state.tone}>{state.label}</Badge>
      </div>
      <dl className="facts small">
        <dt>Kind</dt>
        <dd>{GOVERNANCE_KINDS[r.kind]}</dd>
        {r.kind === 'policy_change' && (
          <>
            <dt>New version</dt>
            <dd>
              {String(p.version)}
              {version ? ` (${version.state})` : ''}
            </dd>
            <dt>Document hash</dt>
            <dd>
              <code className="mono break">{String(p.documentHash)}</code>
              {version && version.hash !== p.documentHash && <span className="field-error"> Does not match the stored version {version.version}: do not approve; report this.</span>}
            </dd>
          </>
        )}
        {r.kind === 'whitelist_add' && (
          <>
            <dt>Address</dt>
            <dd className="copy-inline">
              <code className="mono break">{String(p.address)}</code>
              <CopyButton value={String(p.address)} label="Copy address" />
            </dd>
            <dt>Label</dt>
            <dd>{String(p.label)}</dd>
            <dt>Cooling-off</dt>
            <dd>{Number(p.coolingOffHours) > 0 ? `usable ${p.coolingOffHours} h after approval` : 'usable as soon as it is approved'}</dd>
          </>
        )}
        {r.kind === 'member_change' && (
          <>
            <dt>Person</dt>
            <dd>{String(p.name)}</dd>
            <dt>Role</dt>
            <dd>
              {p.from ? WALLET_ROLE_LABELS[p.from as keyof typeof WALLET_ROLE_LABELS]?.label ?? p.from : 'not on the wallet'} →{' '}
              <strong>{WALLET_ROLE_LABELS[p.to as keyof typeof WALLET_ROLE_LABELS]?.label ?? p.to}</strong>
            </dd>
          </>
        )}
        <dt>Proposed by</dt>
        <dd>
          {nameOf(r.initiatorId)}
          {r.initiatorId === me.userId ? ' (you)' : ''} · {formatDateTime(r.createdAt)}
        </dd>
        <dt>Decided under</dt>
        <dd>policy version {r.policyVersion}</dd>
        {pending ? (
          <>
            <dt>Expires</dt>
            <dd>
              {formatDateTime(r.expiresAt)} ({relative(r.expiresAt, now)})
            </dd>
          </>
        ) : (
          r.decidedAt && (
            <>
              <dt>Closed</dt>
              <dd>{formatDateTime(r.decidedAt)}</dd>
            </>
          )
        )}
      </dl>
      {r.kind === 'policy_change' && <ProposedPolicy walletId={walletId} version={Number(p.version)} documentHash={String(p.documentHash)} />}
      {r.kind === 'policy_change' && pending && (
        <p className="small muted">Once approved, this version replaces the active policy for every new transfer and change request of this wallet.</p>
      )}
      {a.tree && <QuorumTree node={a.tree} />}
      {pending && a.missing.length > 0 && (
        <div>
          <p className="small" id={`missing-${r.id}`}>
            <strong>Still missing</strong>
          </p>
          <ul className="small" aria-labelledby={`missing-${r.id}`}>
            {a.missing.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      {a.decisions.length > 0 && (
        <p className="small muted">
          {a.decisions.map((d) => `${d.name} ${d.decision === 'approve' ? 'approved' : 'rejected'} (${formatDateTime(d.at)})`).join(' · ')}
        </p>
      )}
      {error !== null && (
        <div ref={errorRef} tabIndex={-1}>
          <ErrorAlert error={error} title="Not recorded" />
        </div>
      )}
      {a.myDecision ? (
        <Alert tone="info">You {a.myDecision === 'approve' ? 'approved' : 'rejected'} this request.</Alert>
      ) : pending && a.eligible ? (
        <div className="row-actions">
          <Button onClick={() => void decide('approve')} busy={stage === 'approve'} busyLabel="Waiting for your passkey…" disabled={stage !== null}>
            Approve with passkey
          </Button>
          <Button variant="ghost" onClick={() => void decide('reject')} busy={stage === 'reject'} busyLabel="Waiting for your passkey…" disabled={stage !== null}>
            Reject with passkey
          </Button>
        </div>
      ) : (
        pending && (
          <p className="small muted">
            {r.initiatorId === me.userId && !a.eligible ? 'You proposed this change; the policy does not let you approve it yourself.' : 'You are not one of the approvers this change needs.'}
          </p>
        )
      )}
      <div className="row-actions">
        {pending && r.initiatorId === me.userId && !confirmCancel && (
          <Button variant="secondary" className="btn-small" onClick={() => setConfirmCancel(true)} disabled={stage !== null}>
            Cancel this request
          </Button>
        )}
        {confirmCancel && (
          <span className="confirm">
            <span className="small">Withdraw this change request? Approvals already given are discarded.</span>
            <Button variant="danger" className="btn-small" busy={stage === 'cancel'} onClick={() => void cancelRequest()}>
              Withdraw request
            </Button>
            <Button variant="ghost" className="btn-small" onClick={() => setConfirmCancel(false)}>
              Keep it
            </Button>
          </span>
        )}
        <Button variant="ghost" className="btn-small" onClick={() => onDone(null)}>
          Close
        </Button>
      </div>
    </div>
  );
}
