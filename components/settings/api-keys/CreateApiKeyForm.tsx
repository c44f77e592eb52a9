'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { API_SCOPE_LABELS, API_SCOPES, type ApiScope } from '@/lib/api-keys';
import { apiErrorView } from '@/lib/trpc/errors';
import { useTRPC } from '@/lib/trpc/react';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { Field } from '@/components/ui/Field';
import { SigningKeyFields, type SigningKeyDraft } from './SigningKeyFields';
import { TokenOnce } from './TokenOnce';

/** yyyy-mm-dd of today + days, in local time (what <input type="date"> shows). */
function localDate(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function CreateApiKeyForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiScope[]>(['wallets:read', 'transfers:read']);
  const [expiry, setExpiry] = useState(localDate(90));
  const [signing, setSigning] = useState<SigningKeyDraft>({ algorithm: '', publicKey: '' });
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: () => {
        setName('');
        setSigning({ algorithm: '', publicKey: '' });
        return queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
      },
    }),
  );
  const view = apiErrorView(create.error);
  const fields = view?.fieldErrors ?? {};
  const keyErrors = fields['signingKey.publicKey'] ?? (view?.appCode === 'API_SIGNING_KEY_INVALID' ? [view.message] : undefined);
  const expiryErrors = fields.expiresAt ?? (view?.appCode === 'API_KEY_EXPIRY_INVALID' ? [view.message] : undefined);
  const shownInline = Boolean(Object.keys(fields).length || keyErrors || expiryErrors);

  function toggle(scope: ApiScope, on: boolean) {
    setScopes((current) => (on ? API_SCOPES.filter((s) => s === scope || current.includes(s)) : current.filter((s) => s !== scope)));
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    // The key works until the end of the chosen day (local time).
    const expiresAt = expiry ? new Date(`${expiry}T23:59:59`).toISOString() : '';
    create.mutate({ name, scopes, expiresAt, signingKey: signing.algorithm ? { algorithm: signing.algorithm, publicKey: signing.publicKey } : null });
  }

  return (
    <section className="card" aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create an API key</h2>
      {create.data ? (
        <TokenOnce token={create.data.token} name={create.variables?.name ?? ''} expiresAt={create.data.expiresAt} onDone={() => create.reset()} />
      ) : (
        <form className="stack" onSubmit={onSubmit} noValidate>
          <Field
            label="Name"
            name="apiKeyName"
            autoComplete="off"
            placeholder="e.g. ERP payouts, AML screening"
            hint="Shown in lists, in approvals and in the audit log."
            value={name}
            onChange={(e) => setName(e.target.value)}
            errors={fields.name}
            required
          />
          <fieldset className="event-picker" aria-describedby={fields.scopes ? 'scopes-error' : undefined}>
            <legend>Scopes</legend>
            <div className="event-groups">
              {API_SCOPES.map((scope) => (
                <label key={scope} className="checkbox">
                  <input type="checkbox" checked={scopes.includes(scope)} onChange={(e) => toggle(scope, e.target.checked)} />
                  <span className="event-label">
                    <strong>{API_SCOPE_LABELS[scope].label}</strong> <code className="small">{scope}</code>
                    <span className="muted small event-label">{API_SCOPE_LABELS[scope].description}</span>
                  </span>
                </label>
              ))}
            </div>
            {fields.scopes && (
              <p className="field-error" id="scopes-error" role="alert">
                {fields.scopes.join(' ')}
              </p>
            )}
          </fieldset>
          <Field
            label="Expires on"
            name="apiKeyExpiry"
            type="date"
            min={localDate(1)}
            max={localDate(365)}
            hint="At most one year. The key stops working at the end of that day; create a new key before then."
            value={expiry}
            onChange={(e) => setExpiry(e.target.value)}
            errors={expiryErrors}
            required
          />
          <SigningKeyFields value={signing} onChange={setSigning} errors={keyErrors} optional />
          {create.error && !shownInline && <ErrorAlert error={create.error} title="Could not create the API key" />}
          <div className="form-actions">
            <Button type="submit" busy={create.isPending} busyLabel="Creating…" disabled={scopes.length === 0}>
              Create API key
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
