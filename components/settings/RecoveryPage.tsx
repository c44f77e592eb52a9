'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { CopyButton } from '@/components/ui/CopyButton';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';
import { passkeyForDecision } from '@/components/approvals/sign-decision';
import { useMe } from '@/components/shell/AppShell';
import { PageHeader } from '@/components/shell/PageHeader';

const STATES = {
  pending_approval: { label: 'Awaiting approvals', tone: 'warn' },
  waiting: { label: 'Waiting period', tone: 'accent' },
  revealed: { label: 'Revealed', tone: 'good' },
  rejected: { label: 'Rejected', tone: 'bad' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
  expired: { label: 'Expired', tone: 'neutral' },
} as const;

/** Box 4 as the key card prints it: its QR text `{"box":4,…,"recovery":{…}}`, or the bare box. */
function parseBox(text: string) {
  const value = JSON.parse(text.trim()) as Record<string, unknown>;
  const box = (value.box === 4 ? value.recovery : value) as { alg?: string; hash?: string; keyId?: string; ct?: string };
  if (box?.alg !== 'RSA-OAEP' || typeof box.ct !== 'string' || typeof box.keyId !== 'string') throw new Error('This is not Box 4 of a Keystead key card. Scan the BOX4 QR code or copy the Box 4 text exactly.');
  return { alg: 'RSA-OAEP' as const, hash: box.hash === 'SHA-256' ? ('SHA-256' as const) : ('SHA-1' as const), keyId: box.keyId, ct: box.ct };
}

export function RecoveryPage() {
  const me = useMe();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const isAdmin = me.role === 'admin';
  const list = useQuery({ ...trpc.recovery.list.queryOptions(), enabled: isAdmin, refetchInterval: 30_000 });
  const wallets = useQuery({ ...trpc.wallets.list.queryOptions(), enabled: isAdmin });
  const members = useQuery({ ...trpc.members.list.queryOptions(), enabled: isAdmin });
  const request = useMutation(trpc.recovery.request.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.recovery.list.queryKey() }) }));
  const [walletId, setWalletId] = useState('');
  const [boxText, setBoxText] = useState('');
  const [reason, setReason] = useState('');
  const [formError, setFormError] = useState<unknown>(null);
  const lead = 'If a wallet’s password is lost, Box 4 of its key card can be opened by the service’s HSM — only after other admins approve and a waiting period passes.';
  if (!isAdmin) {
    return (
      <>
        <PageHeader title="Password recovery" lead={lead} />
        <Alert tone="info">Only organisation admins can request or approve a password recovery.</Alert>
      </>
    );
  }
  const nameOf = (id: string) => members.data?.find((m) => m.userId === id)?.displayName ?? 'a former member';

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    try {
      request.mutate({ walletId, box: parseBox(boxText), reason }, { onSuccess: () => (setBoxText(''), setReason('')) });
    } catch (error) {
      setFormError(error);
    }
  }

  return (
    <>
      <PageHeader title="Password recovery" lead={lead} />
      <section className="card stack" aria-labelledby="recovery-new">
        <h2 id="recovery-new">Ask for a recovery</h2>
        <form className="stack" onSubmit={onSubmit} noValidate>
          <div className="field">
            <label htmlFor="recovery-wallet">Wallet</label>
            <select id="recovery-wallet" value={walletId} onChange={(e) => setWalletId(e.target.value)}>
              <option value="">Choose a wallet…</option>
              {wallets.data?.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="recovery-box">Box 4 from the key card (scan the BOX4 QR code, or paste its text)</label>
            <textarea id="recovery-box" className="mono small" rows={4} value={boxText} onChange={(e) => setBoxText(e.target.value)} spellCheck={false} />
          </div>
          <div className="field">
            <label htmlFor="recovery-reason">Reason (shown to the approving admins)</label>
            <input id="recovery-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          {(formError ?? request.error) && <ErrorAlert error={formError ?? request.error} title="Not requested" />}
          <div>
            <Button type="submit" busy={request.isPending} disabled={!walletId || !boxText.trim() || reason.trim().length < 3}>
              Ask the other admins
            </Button>
          </div>
        </form>
      </section>
      <section className="card" aria-labelledby="recovery-list">
        <h2 id="recovery-list">Requests</h2>
        {list.error && <ErrorAlert error={list.error} title="Could not load requests" />}
        {list.data?.length === 0 && <p className="muted">No recovery requests.</p>}
        <ul className="list">
          {list.data?.map((r) => (
            <RecoveryRow key={r.id} r={r} mine={r.requesterId === me.userId} requester={nameOf(r.requesterId)} walletName={wallets.data?.find((w) => w.id === r.walletId)?.name ?? 'a wallet'} nameOf={nameOf} />
          ))}
        </ul>
      </section>
    </>
  );
}

type Row = { id: string; walletId: string; state: keyof typeof STATES; reason: string; quorum: number; createdAt: string; availableAt: string | null; decisions: { userId: string; decision: 'approve' | 'reject'; at: string }[] };

function RecoveryRow({ r, mine, requester, walletName, nameOf }: { r: Row; mine: boolean; requester: string; walletName: string; nameOf: (id: string) => string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useMe();
  const approve = useMutation(trpc.recovery.approve.mutationOptions());
  const reject = useMutation(trpc.recovery.reject.mutationOptions());
  const reveal = useMutation(trpc.recovery.reveal.mutationOptions());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [password, setPassword] = useState<string | null>(null);
  const decided = r.decisions.find((d) => d.userId === me.userId);
  const approvals = r.decisions.filter((d) => d.decision === 'approve').length;
  const ready = r.state === 'waiting' && r.availableAt !== null && new Date(r.availableAt).getTime() <= Date.now();

  async function decide(decision: 'approve' | 'reject') {
    setError(null);
    setBusy(decision);
    try {
      const ceremony = await queryClient.fetchQuery({ ...trpc.recovery.approvalOptions.queryOptions({ requestId: r.id, decision }), staleTime: 0 });
      const passkey = await passkeyForDecision(ceremony, decision, (request) => request.requestId === r.id && request.walletId === r.walletId);
      await (decision === 'approve' ? approve : reject).mutateAsync({ requestId: r.id, passkey: passkey as never });
      await queryClient.invalidateQueries({ queryKey: trpc.recovery.list.queryKey() });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  async function onReveal() {
    setError(null);
    setBusy('reveal');
    try {
      const { createRevealKeyPair, openFromServer } = await import('@/lib/crypto/reveal');
      const keys = await createRevealKeyPair();
      const sealed = await reveal.mutateAsync({ requestId: r.id, publicKey: keys.publicKey });
      setPassword(new TextDecoder().decode(await openFromServer(sealed, keys.privateKey, r.id)));
      await queryClient.invalidateQueries({ queryKey: trpc.recovery.list.queryKey() });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  return (
    <li data-testid="recovery-row">
      <div className="list-row">
        <div>
          <strong>{walletName}</strong> · asked by {requester}
          {mine ? ' (you)' : ''} · {formatDateTime(r.createdAt)}
          <div className="small muted">“{r.reason}” · {approvals} of {r.quorum} approvals{r.decisions.length ? `: ${r.decisions.map((d) => `${nameOf(d.userId)} ${d.decision === 'approve' ? 'approved' : 'rejected'}`).join(', ')}` : ''}</div>
          {r.state === 'waiting' && r.availableAt && <div className="small">Can be revealed after {formatDateTime(r.availableAt)}; any admin who has not decided can still reject until then.</div>}
        </div>
        <Badge tone={STATES[r.state].tone}>{STATES[r.state].label}</Badge>
      </div>
      {error !== null && <ErrorAlert error={error} title="Not done" />}
      <div className="row-actions">
        {!mine && !decided && r.state === 'pending_approval' && (
          <Button className="btn-small" busy={busy === 'approve'} disabled={busy !== null} onClick={() => void decide('approve')}>
            Approve with passkey
          </Button>
        )}
        {!mine && !decided && (r.state === 'pending_approval' || r.state === 'waiting') && (
          <Button variant="ghost" className="btn-small" busy={busy === 'reject'} disabled={busy !== null} onClick={() => void decide('reject')}>
            Reject
          </Button>
        )}
        {mine && ready && password === null && (
          <Button className="btn-small" busy={busy === 'reveal'} onClick={() => void onReveal()}>
            Reveal the password (once)
          </Button>
        )}
      </div>
      {password !== null && (
        <div className="sign-panel stack" role="region" aria-label="Recovered password">
          <Alert tone="warning">This is shown once and only in this browser. Write it down somewhere safe, or set a new password by creating a new wallet and moving the funds.</Alert>
          <div className="copy-inline">
            <code className="mono break" data-testid="recovered-password">
              {password}
            </code>
            <CopyButton value={password} label="Copy password" />
          </div>
          <Button variant="ghost" className="btn-small" onClick={() => setPassword(null)}>
            Hide and forget
          </Button>
        </div>
      )}
    </li>
  );
}
