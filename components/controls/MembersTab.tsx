'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { WALLET_ROLES, type WalletRole } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { useMe } from '@/components/shell/AppShell';
import { SelectField } from './fields';
import { WALLET_ROLE_LABELS } from './labels';

type Notice = { tone: 'success' | 'info'; text: string; requestId?: string };

const roleOptions = WALLET_ROLES.map((r) => ({ value: r, label: `${WALLET_ROLE_LABELS[r].label}: ${WALLET_ROLE_LABELS[r].description}` }));

export function MembersTab({ walletId, canEdit, openRequest }: { walletId: string; canEdit: boolean; openRequest: (id: string) => void }) {
  const trpc = useTRPC();
  const me = useMe();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.walletMembers.list.queryOptions({ walletId }));
  const org = useQuery({ ...trpc.members.list.queryOptions(), enabled: canEdit });
  const changes = useQuery(trpc.governance.list.queryOptions({ walletId }));
  const refresh = () =>
    Promise.all([trpc.walletMembers.pathKey(), trpc.governance.pathKey(), trpc.approvals.pathKey(), trpc.policies.pathKey(), trpc.wallets.pathKey()].map((queryKey) => queryClient.invalidateQueries({ queryKey })));
  const change = useMutation(trpc.walletMembers.change.mutationOptions({ onSettled: refresh }));
  const [notice, setNotice] = useState<Notice | null>(null);
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);
  const [addUser, setAddUser] = useState('');
  const [addRole, setAddRole] = useState<WalletRole>('viewer');
  const noticeRef = useRef<HTMLDivElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  async function apply(person: { userId: string; name: string }, role: WalletRole | null) {
    setNotice(null);
    try {
      const result = await change.mutateAsync({ walletId, userId: person.userId, role });
      if (result.applied) {
        setNotice({ tone: 'success', text: role === null ? `${person.name} was removed from this wallet.` : `${person.name} is now ${role === 'approver' ? 'an approver' : `a ${role}`} of this wallet.` });
      } else {
        setNotice({
          tone: 'info',
          text: `Making ${person.name} ${role === 'approver' ? 'an approver' : `an ${role}`} gives more control over funds, so it needs approval: a change request was created. It applies once the quorum of the active policy approves.`,
          requestId: result.request?.id,
        });
      }
      return true;
    } catch {
      setTimeout(() => errorRef.current?.focus());
      return false;
    } finally {
      setConfirmRemove(null);
    }
  }

  async function onAdd(e: FormEvent) {
    e.preventDefault();
    const person = org.data?.find((m) => m.userId === addUser);
    if (!person) return;
    if (await apply({ userId: person.userId, name: person.displayName }, addRole)) setAddUser('');
  }

  if (members.error) return <ErrorAlert error={members.error} title="Could not load the wallet’s members" />;
  if (!members.data) return <p className="muted">Loading members…</p>;
  const onWallet = new Set(members.data.people.map((p) => p.userId));
  const candidates = (org.data ?? []).filter((m) => m.status === 'active' && !onWallet.has(m.userId));
  const pendingFor = (userId: string) => (changes.data ?? []).find((c) => c.kind === 'member_change' && c.state === 'pending_approval' && c.payload.userId === userId);
  const pendingNew = (changes.data ?? []).filter((c) => c.kind === 'member_change' && c.state === 'pending_approval' && !onWallet.has(String(c.payload.userId)));

  return (
    <div className="stack">
      <section className="card" aria-labelledby="wallet-members-title">
        <h2 id="wallet-members-title">People</h2>
        <p className="small muted">
          Nobody sees a wallet unless given a role on it. Making someone an initiator or approver is a change request for the quorum; viewers, demotions and removals apply at once (unless the policy could then no longer be met).
        </p>
        {notice && (
          <div ref={noticeRef} tabIndex={-1}>
            <Alert tone={notice.tone} title={notice.tone === 'info' ? 'Waiting for approval' : undefined}>
              {notice.text}{' '}
              {notice.requestId && (
                <Button variant="ghost" className="btn-small" onClick={() => openRequest(notice.requestId!)}>
                  Review the request
                </Button>
              )}
            </Alert>
          </div>
        )}
        {change.error && (
          <div ref={errorRef} tabIndex={-1}>
            <ErrorAlert error={change.error} title="Not changed" />
          </div>
        )}
        <div className="table-wrap">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                {canEdit && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {members.data.people.map((p) => {
                const pending = pendingFor(p.userId);
                const selectId = `wallet-role-${p.userId}`;
                return (
                  <tr key={p.userId} data-testid={`wallet-member-${p.email}`}>
                    <td data-label="Name">
                      <div>
                        <div className="person">
                          <strong>{p.name}</strong>
                          {p.userId === me.userId && <Badge>You</Badge>}
                        </div>
                        <div className="muted small break">{p.email}</div>
                      </div>
                    </td>
                    <td data-label="Role">
                      {canEdit ? (
                        <>
                          <label htmlFor={selectId} className="visually-hidden">
                            Wallet role of {p.name}
                          </label>
                          <select id={selectId} value={p.role} disabled={change.isPending} onChange={(e) => void apply({ userId: p.userId, name: p.name }, e.target.value as WalletRole)}>
                            {WALLET_ROLES.map((r) => (
                              <option key={r} value={r}>
                                {WALLET_ROLE_LABELS[r].label}
                              </option>
                            ))}
                          </select>
                        </>
                      ) : (
                        WALLET_ROLE_LABELS[p.role].label
                      )}
                      {pending && (
                        <div className="small">
                          <Badge tone="warn">Requested: {WALLET_ROLE_LABELS[pending.payload.to as WalletRole]?.label ?? String(pending.payload.to)}</Badge>
                        </div>
                      )}
                    </td>
                    {canEdit && (
                      <td className="actions">
                        {confirmRemove === p.userId ? (
                          <span className="confirm" role="group" aria-label={`Confirm removing ${p.name}`}>
                            <span className="small">Remove {p.name} from this wallet? This applies at once.</span>
                            <Button variant="danger" className="btn-small" busy={change.isPending} onClick={() => void apply({ userId: p.userId, name: p.name }, null)}>
                              Remove now
                            </Button>
                            <Button variant="ghost" className="btn-small" onClick={() => setConfirmRemove(null)}>
                              Keep
                            </Button>
                          </span>
                        ) : (
                          <Button variant="ghost" className="btn-small" onClick={() => setConfirmRemove(p.userId)}>
                            Remove<span className="visually-hidden"> {p.name}</span>
                          </Button>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {pendingNew.length > 0 && (
          <>
            <h3 className="small-title">Joining once approved</h3>
            <ul className="list">
              {pendingNew.map((c) => (
                <li key={c.id} className="list-row">
                  <span className="small">{c.summary}</span>
                  <Button variant="secondary" className="btn-small" onClick={() => openRequest(c.id)}>
                    Review<span className="visually-hidden">: {c.summary}</span>
                  </Button>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      {members.data.apiKeys.length > 0 && (
        <section className="card" aria-labelledby="wallet-keys-title">
          <h2 id="wallet-keys-title">API keys</h2>
          <ul className="list">
            {members.data.apiKeys.map((k) => (
              <li key={k.apiKeyId} className="list-row">
                <strong>{k.name}</strong>
                <Badge tone="accent">{WALLET_ROLE_LABELS[k.role].label}</Badge>
              </li>
            ))}
          </ul>
          <p className="small muted">API key roles are managed by admins in the organisation’s API key settings.</p>
        </section>
      )}

      {canEdit && (
        <section className="card" aria-labelledby="wallet-add-member-title">
          <h2 id="wallet-add-member-title">Add a person</h2>
          {org.error && <ErrorAlert error={org.error} title="Could not load the organisation’s members" />}
          {org.data && candidates.length === 0 ? (
            <p className="small muted">Everyone in the organisation is already on this wallet. Invite people on the Members page first.</p>
          ) : (
            <form className="inline-form" onSubmit={onAdd} noValidate>
              <SelectField
                label="Person"
                value={addUser}
                placeholder="Choose a member"
                onChange={(e) => setAddUser(e.target.value)}
                options={candidates.map((m) => ({ value: m.userId, label: `${m.displayName} (${m.email})` }))}
              />
              <SelectField label="Wallet role" value={addRole} onChange={(e) => setAddRole(e.target.value as WalletRole)} options={roleOptions} />
              <Button type="submit" busy={change.isPending} disabled={!addUser}>
                Add to wallet
              </Button>
            </form>
          )}
        </section>
      )}
    </div>
  );
}
