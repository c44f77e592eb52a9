'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatSats } from '@/lib/bitcoin/amount';
import { useTRPC } from '@/lib/trpc/react';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { CopyButton } from '@/components/ui/CopyButton';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';
import { useMe } from '@/components/shell/AppShell';
import { BumpForm } from './BumpForm';
import { ApprovalPanel } from './ApprovalPanel';
import { SignPanel } from './SignPanel';

const STATES = {
  draft: { label: 'Draft', tone: 'neutral' },
  pending_approval: { label: 'Awaiting approval', tone: 'warn' },
  approved: { label: 'Approved: awaiting signature', tone: 'accent' },
  cosigned: { label: 'Signed: broadcasting', tone: 'accent' },
  broadcast: { label: 'Broadcast: unconfirmed', tone: 'accent' },
  confirmed: { label: 'Confirmed', tone: 'good' },
  rejected: { label: 'Rejected', tone: 'bad' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
  failed: { label: 'Failed', tone: 'bad' },
  replaced: { label: 'Replaced by a fee bump', tone: 'neutral' },
  signing: { label: 'Signing', tone: 'accent' },
  expired: { label: 'Expired', tone: 'neutral' },
} as const;

interface Props {
  walletId: string;
  network: 'mainnet' | 'testnet' | 'regtest';
  myRole: 'approver' | 'initiator' | 'viewer';
  keys: { role: string; fingerprint: string; path: string; xpub: string }[];
}

export function TransfersCard({ walletId, network, myRole, keys }: Props) {
  const trpc = useTRPC();
  const me = useMe();
  const queryClient = useQueryClient();
  const transfers = useQuery({ ...trpc.transfers.list.queryOptions({ walletId }), refetchInterval: 10_000 });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.transfers.pathKey() });
  const cancel = useMutation(trpc.transfers.cancel.mutationOptions({ onSettled: refresh }));
  const submit = useMutation(trpc.transfers.submit.mutationOptions({ onSettled: refresh }));
  const bump = useMutation(trpc.transfers.bump.mutationOptions({ onSettled: refresh }));
  const [signing, setSigning] = useState<string | null>(null);
  const [bumping, setBumping] = useState<string | null>(null);
  const [deciding, setDeciding] = useState<string | null>(null);
  const error = cancel.error ?? bump.error ?? submit.error;
  if (!transfers.data?.length && !transfers.error) return null;
  return (
    <section className="card" aria-labelledby="transfers-title">
      <h2 id="transfers-title">Transfers</h2>
      {transfers.error && <ErrorAlert error={transfers.error} title="Could not load transfers" />}
      {error && <ErrorAlert error={error} title="Not done" />}
      <ul className="list">
        {transfers.data?.map((t) => {
          const state = STATES[t.state];
          const mine = t.initiatorId === me.userId;
          return (
            <li key={t.id} data-testid="transfer-row">
              <div className="list-row">
                <div>
                  {t.outputs.map((o, i) => (
                    <div key={i}>
                      <strong className="mono">{formatSats(BigInt(o.valueSats), 'BTC')}</strong> to <code className="mono small break">{o.address}</code>
                    </div>
                  ))}
                  <div className="muted small">
                    fee {formatSats(BigInt(t.feeSats), 'sat')} ({t.feeRate} sat/vB) · requested {formatDateTime(t.createdAt)}
                  </div>
                  {t.txid && (
                    <span className="copy-inline small">
                      txid <code className="mono">{t.txid.slice(0, 12)}…</code>
                      <CopyButton value={t.txid} label="Copy txid" />
                    </span>
                  )}
                  {t.lastError && <div className="field-error">Last attempt: {t.lastError}</div>}
                </div>
                <Badge tone={state.tone}>{state.label}</Badge>
              </div>
              <div className="row-actions">
                {t.state === 'pending_approval' && deciding !== t.id && (
                  <Button className="btn-small" variant={myRole === 'approver' ? 'primary' : 'secondary'} onClick={() => setDeciding(t.id)}>
                    {myRole === 'approver' ? 'Review and approve' : 'Approvals'}
                  </Button>
                )}
                {t.state === 'draft' && mine && (
                  <>
                    <Button className="btn-small" onClick={() => submit.mutate({ walletId, transferId: t.id })} busy={submit.isPending && submit.variables?.transferId === t.id}>
                      Submit for approval
                    </Button>
                    <Button variant="ghost" className="btn-small" onClick={() => cancel.mutate({ walletId, transferId: t.id })}>
                      Discard draft
                    </Button>
                  </>
                )}
                {t.state === 'pending_approval' && mine && (
                  <Button variant="ghost" className="btn-small" onClick={() => cancel.mutate({ walletId, transferId: t.id })}>
                    Cancel
                  </Button>
                )}
                {t.state === 'broadcast' && myRole !== 'viewer' && bumping !== t.id && (
                  <Button variant="secondary" className="btn-small" onClick={() => setBumping(t.id)}>
                    Speed up (raise fee)
                  </Button>
                )}
                {t.replacesId && <span className="small muted">Fee bump of an earlier transfer</span>}
                {(t.state === 'approved' || t.state === 'signing') && (t.signerId ?? t.approvedBy ?? (myRole === 'approver' ? me.userId : null)) === me.userId && signing !== t.id && (
                  <Button className="btn-small" onClick={() => setSigning(t.id)}>
                    Review and sign
                  </Button>
                )}
              </div>
              {bumping === t.id && (
                <BumpForm
                  currentRate={Number(t.feeRate)}
                  busy={bump.isPending}
                  onCancel={() => setBumping(null)}
                  onBump={(rate) => bump.mutate({ walletId, transferId: t.id, feeRateSatVb: rate }, { onSuccess: () => setBumping(null) })}
                />
              )}
              {deciding === t.id && <ApprovalPanel walletId={walletId} transferId={t.id} onDone={() => setDeciding(null)} />}
              {signing === t.id && <SignPanel walletId={walletId} transferId={t.id} network={network} keys={keys} onDone={() => setSigning(null)} />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
