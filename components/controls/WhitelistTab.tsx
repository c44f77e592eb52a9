'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { apiErrorView } from '@/lib/trpc/errors';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { CopyButton } from '@/components/ui/CopyButton';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { Field } from '@/components/ui/Field';
import { formatDateTime } from '@/components/ui/format';
import { formatDuration, useNow } from './labels';

export function WhitelistTab({ walletId, canEdit, openRequest }: { walletId: string; canEdit: boolean; openRequest: (id: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(15_000);
  const entries = useQuery(trpc.whitelist.list.queryOptions({ walletId }));
  const policy = useQuery(trpc.policies.get.queryOptions({ walletId }));
  const changes = useQuery(trpc.governance.list.queryOptions({ walletId }));
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.whitelist.pathKey() }), queryClient.invalidateQueries({ queryKey: trpc.governance.pathKey() }), queryClient.invalidateQueries({ queryKey: trpc.approvals.pathKey() })]);
  const propose = useMutation(trpc.whitelist.propose.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.whitelist.remove.mutationOptions({ onSettled: refresh }));
  const [address, setAddress] = useState('');
  const [label, setLabel] = useState('');
  const [hours, setHours] = useState('24');
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; requestId?: string } | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const proposeErrorRef = useRef<HTMLDivElement>(null);
  const removeErrorRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const mode = (policy.data?.active.document as { whitelist?: { mode?: string } } | undefined)?.whitelist?.mode;
  const pendingAdds = (changes.data ?? []).filter((c) => c.kind === 'whitelist_add' && c.state === 'pending_approval');
  const fields = apiErrorView(propose.error)?.fieldErrors ?? {};

  async function onPropose(e: FormEvent) {
    e.preventDefault();
    setNotice(null);
    const cooling = Number(hours);
    try {
      const request = await propose.mutateAsync({ walletId, address: address.trim(), label: label.trim(), coolingOffHours: Number.isInteger(cooling) ? cooling : -1 });
      setAddress('');
      setLabel('');
      setNotice({ text: `Change request created: whitelist “${String(request.payload.label)}”. It applies once the quorum approves${cooling > 0 ? `; the address is usable ${cooling} h after that` : ''}.`, requestId: request.id });
    } catch {
      setTimeout(() => proposeErrorRef.current?.focus());
    }
  }

  async function onRemove(entry: { id: string; label: string }) {
    setNotice(null);
    try {
      await remove.mutateAsync({ walletId, entryId: entry.id });
      setConfirming(null);
      setNotice({ text: `“${entry.label}” was removed from the whitelist. This applied at once.` });
    } catch {
      setConfirming(null);
      setTimeout(() => removeErrorRef.current?.focus());
    }
  }

  return (
    <div className="stack">
      <section className="card" aria-labelledby="whitelist-title">
        <h2 id="whitelist-title">Whitelist</h2>
        {mode === 'required' ? (
          <p className="small">The active policy requires it: transfers may only pay these addresses, once their cooling-off period is over.</p>
        ) : (
          <p className="small muted">The active policy does not require the whitelist: entries take effect once a policy version requires it.</p>
        )}
        {notice && (
          <div ref={noticeRef} tabIndex={-1}>
            <Alert tone="success">
              {notice.text}{' '}
              {notice.requestId && (
                <Button variant="ghost" className="btn-small" onClick={() => openRequest(notice.requestId!)}>
                  Review the request
                </Button>
              )}
            </Alert>
          </div>
        )}
        {remove.error && (
          <div ref={removeErrorRef} tabIndex={-1}>
            <ErrorAlert error={remove.error} title="Not removed" />
          </div>
        )}
        {entries.error && <ErrorAlert error={entries.error} title="Could not load the whitelist" />}
        {entries.data && entries.data.length === 0 && <p className="muted">No addresses yet.</p>}
        {entries.data && entries.data.length > 0 && (
          <ul className="list">
            {entries.data.map((e) => {
              const from = e.usableFrom ? Date.parse(e.usableFrom) : Date.parse(e.createdAt);
              const cooling = from > now;
              return (
                <li key={e.id} data-testid="whitelist-row">
                  <div className="list-row">
                    <strong>{e.label}</strong>
                    {cooling ? <Badge tone="warn">Cooling off: usable in {formatDuration(from - now)}</Badge> : <Badge tone="good">Usable</Badge>}
                  </div>
                  <div className="copy-inline">
                    <code className="mono small break">{e.address}</code>
                    <CopyButton value={e.address} label="Copy address" />
                  </div>
                  <div className="small muted">{cooling ? `Usable from ${formatDateTime(new Date(from).toISOString())}` : `Usable since ${formatDateTime(new Date(from).toISOString())}`}</div>
                  {canEdit && (
                    <div className="row-actions">
                      {confirming === e.id ? (
                        <span className="confirm" role="group" aria-label={`Confirm removing ${e.label}`}>
                          <span className="small">Remove “{e.label}” now? This applies at once, without approval; adding it back needs approval again.</span>
                          <Button variant="danger" className="btn-small" busy={remove.isPending} onClick={() => void onRemove(e)}>
                            Remove now
                          </Button>
                          <Button variant="ghost" className="btn-small" onClick={() => setConfirming(null)}>
                            Keep it
                          </Button>
                        </span>
                      ) : (
                        <Button variant="ghost" className="btn-small" onClick={() => setConfirming(e.id)}>
                          Remove<span className="visually-hidden"> {e.label}</span>
                        </Button>
                      )}
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {pendingAdds.length > 0 && (
          <>
            <h3 className="small-title">Proposed, waiting for approval</h3>
            <ul className="list">
              {pendingAdds.map((c) => (
                <li key={c.id} className="list-row">
                  <span className="small break">{c.summary}</span>
                  <Button variant="secondary" className="btn-small" onClick={() => openRequest(c.id)}>
                    Review<span className="visually-hidden">: {c.summary}</span>
                  </Button>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      {canEdit && (
        <section className="card" aria-labelledby="whitelist-add-title">
          <h2 id="whitelist-add-title">Propose an address</h2>
          <p className="small muted">Adding an address loosens control, so it is a change request for the quorum. The cooling-off period starts when it is approved.</p>
          <form className="stack" onSubmit={onPropose} noValidate>
            <Field label="Address" name="address" className="mono" autoComplete="off" spellCheck={false} required value={address} onChange={(e) => setAddress(e.target.value)} errors={fields.address} />
            <div className="inline-form">
              <Field label="Label" name="label" required maxLength={80} value={label} onChange={(e) => setLabel(e.target.value)} hint="Who this is, e.g. “Exchange deposit”." errors={fields.label} />
              <Field
                label="Cooling-off (hours)"
                name="coolingOffHours"
                type="number"
                inputMode="numeric"
                min={0}
                max={720}
                value={hours}
                onChange={(e) => setHours(e.target.value)}
                hint="0 to 720. Payments to it are refused until this long after approval."
                errors={fields.coolingOffHours}
              />
            </div>
            {propose.error && (
              <div ref={proposeErrorRef} tabIndex={-1}>
                <ErrorAlert error={propose.error} title="Not proposed" />
              </div>
            )}
            <div className="form-actions">
              <Button type="submit" busy={propose.isPending} disabled={!address.trim() || !label.trim()}>
                Propose addition
              </Button>
            </div>
          </form>
        </section>
      )}
    </div>
  );
}
