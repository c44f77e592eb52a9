'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatSats } from '@/lib/bitcoin/amount';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { passkeyForDecision } from '@/components/approvals/sign-decision';
import { QuorumTree } from './QuorumTree';

type Decision = 'approve' | 'reject';

/**
 * Deciding on a transfer. The passkey signs the digest of the exact request; before asking for
 * the passkey, this browser recomputes that digest from the request it shows, so what the person
 * sees is what they sign.
 */
export function ApprovalPanel({ walletId, transferId, onDone }: { walletId: string; transferId: string; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const detail = useQuery(trpc.transfers.get.queryOptions({ walletId, transferId }));
  const approve = useMutation(trpc.transfers.approve.mutationOptions());
  const reject = useMutation(trpc.transfers.reject.mutationOptions());
  const [stage, setStage] = useState<Decision | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function decide(decision: Decision) {
    setError(null);
    setStage(decision);
    try {
      const ceremony = await queryClient.fetchQuery({ ...trpc.transfers.approvalOptions.queryOptions({ walletId, transferId, decision }), staleTime: 0 });
      const shown = detail.data!.outputs.map((o) => `${o.address}:${o.valueSats}`).join(',');
      const passkey = await passkeyForDecision(
        ceremony,
        decision,
        (request) => request.requestId === transferId && request.walletId === walletId && request.outputs.map((o) => `${o.address}:${String(o.amount)}`).join(',') === shown,
      );
      await (decision === 'approve' ? approve : reject).mutateAsync({ walletId, transferId, passkey: passkey as never });
      await queryClient.invalidateQueries({ queryKey: trpc.transfers.pathKey() });
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setStage(null);
    }
  }

  if (detail.error) return <ErrorAlert error={detail.error} title="Could not load the request" />;
  if (!detail.data) return <p className="muted small">Loading the request…</p>;
  const t = detail.data;
  const a = t.approval;
  return (
    <div className="sign-panel stack" aria-label="Approval">
      <h3>What you are deciding on</h3>
      <ul className="plain-list">
        {t.outputs.map((o, i) => (
          <li key={i}>
            <strong className="mono">{formatSats(BigInt(o.valueSats), 'BTC')}</strong> to <code className="mono small break">{o.address}</code>
          </li>
        ))}
        <li className="small muted">
          Fee at most {formatSats(BigInt(t.feeSats), 'sat')} · policy version {t.policyVersion ?? '–'}
          {t.expiresAt ? ` · expires ${new Date(t.expiresAt).toLocaleString()}` : ''}
        </li>
      </ul>
      {t.explanation.length > 0 && (
        <details>
          <summary className="small">Why the policy asks for this</summary>
          <ul className="small">
            {t.explanation.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        </details>
      )}
      {a.tree && <QuorumTree node={a.tree} />}
      {a.missing.length > 0 && (
        <ul className="small" aria-label="Still missing">
          {a.missing.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
      {a.decisions.length > 0 && (
        <p className="small muted">
          {a.decisions.map((d) => `${d.name} ${d.decision === 'approve' ? 'approved' : 'rejected'}`).join(' · ')}
        </p>
      )}
      {error !== null && <ErrorAlert error={error} title="Not recorded" />}
      {a.myDecision ? (
        <Alert tone="info">You {a.myDecision === 'approve' ? 'approved' : 'rejected'} this request.</Alert>
      ) : a.eligible && t.state === 'pending_approval' ? (
        <div className="row-actions">
          <Button onClick={() => void decide('approve')} busy={stage === 'approve'} disabled={stage !== null}>
            Approve with passkey
          </Button>
          <Button variant="ghost" onClick={() => void decide('reject')} busy={stage === 'reject'} disabled={stage !== null}>
            Reject
          </Button>
        </div>
      ) : (
        t.state === 'pending_approval' && <p className="small muted">You are not one of the approvers this request needs.</p>
      )}
      <Button variant="ghost" className="btn-small" onClick={onDone}>
        Close
      </Button>
    </div>
  );
}
