'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ORG_ROLE_LABELS } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc/react';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';
import { useMe } from '@/components/shell/AppShell';
import { PageHeader } from '@/components/shell/PageHeader';
import { createPasskey, defaultPasskeyName } from '@/components/auth/passkey-browser';
import { Alert } from '@/components/ui/Alert';
import { Field } from '@/components/ui/Field';
import { apiErrorView } from '@/lib/trpc/errors';

export function AccountPage() {
  const me = useMe();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const passkeys = useQuery(trpc.passkeys.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.passkeys.list.queryKey() });
  const addStart = useMutation(trpc.passkeys.addStart.mutationOptions());
  const addFinish = useMutation(trpc.passkeys.addFinish.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.passkeys.remove.mutationOptions({ onSettled: refresh }));
  const [adding, setAdding] = useState(false);
  const [newName, setNewName] = useState('');
  const [promptError, setPromptError] = useState<unknown>(null);

  async function addPasskey() {
    setPromptError(null);
    setAdding(true);
    try {
      const { ceremonyId, options } = await addStart.mutateAsync({});
      const response = await createPasskey(options);
      await addFinish.mutateAsync({ ceremonyId, response, name: newName.trim() || defaultPasskeyName() });
      setNewName('');
    } catch (error) {
      if (!(error as { data?: unknown }).data) setPromptError(error);
    } finally {
      setAdding(false);
    }
  }

  const count = passkeys.data?.length ?? 0;
  return (
    <>
      <PageHeader title="Account & passkeys" />
      <section className="card" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <dl className="facts">
          <dt>Name</dt>
          <dd>{me.displayName}</dd>
          <dt>Email</dt>
          <dd>{me.email}</dd>
          <dt>Organisation</dt>
          <dd>{me.orgName}</dd>
          <dt>Role</dt>
          <dd>{ORG_ROLE_LABELS[me.role].label}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="passkeys-title">
        <div className="verify-head">
          <div>
            <h2 id="passkeys-title">Passkeys</h2>
            <p className="muted small">Register a passkey on a second device or security key so that losing one does not lock you out.</p>
          </div>
        </div>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void addPasskey();
          }}
        >
          <Field
            label="Name for the new passkey"
            name="passkeyName"
            maxLength={60}
            placeholder="e.g. YubiKey 5C, work laptop"
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            errors={apiErrorView(addFinish.error)?.fieldErrors.name}
          />
          <Button type="submit" busy={adding} busyLabel="Waiting for your passkey…">
            Add a passkey
          </Button>
        </form>
        {count === 1 && <Alert tone="warning">You have only one passkey. If you lose it, an admin must re-enrol you.</Alert>}
        {passkeys.error && <ErrorAlert error={passkeys.error} title="Could not load passkeys" />}
        {addStart.error && <ErrorAlert error={addStart.error} title="Could not add a passkey" />}
        {addFinish.error && <ErrorAlert error={addFinish.error} title="Could not add a passkey" />}
        {remove.error && <ErrorAlert error={remove.error} title="Could not remove the passkey" />}
        {promptError ? <ErrorAlert error={promptError} title="Passkey not created" /> : null}
        <ul className="list" aria-label="Your passkeys">
          {passkeys.data?.map((pk) => (
            <li key={pk.id} className="list-row" data-testid="passkey-row">
              <div>
                <strong>{pk.name}</strong>
                <div className="muted small">
                  Added {formatDateTime(pk.createdAt)} · {pk.lastUsedAt ? `last used ${formatDateTime(pk.lastUsedAt)}` : 'not used yet'} ·{' '}
                  {pk.backedUp ? 'synced' : 'this device only'}
                </div>
              </div>
              <Button variant="ghost" className="btn-small" disabled={count <= 1} busy={remove.isPending && remove.variables?.passkeyId === pk.id} onClick={() => remove.mutate({ passkeyId: pk.id })}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
