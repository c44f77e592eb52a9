'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { useMe } from '@/components/shell/AppShell';
import { PageHeader } from '@/components/shell/PageHeader';
import { ApiKeyRow } from './ApiKeyRow';
import { CreateApiKeyForm } from './CreateApiKeyForm';

export function ApiKeysPage() {
  const me = useMe();
  const trpc = useTRPC();
  const isAdmin = me.role === 'admin';
  const keys = useQuery({ ...trpc.apiKeys.list.queryOptions(), enabled: isAdmin });
  const lead = 'Let your own systems (a back office, an AML/KYC check) read wallets, propose transfers and approve them through the HTTP API.';

  if (!isAdmin) {
    return (
      <>
        <PageHeader title="API keys" lead={lead} />
        <Alert tone="info">Only organisation admins can manage API keys.</Alert>
      </>
    );
  }
  return (
    <>
      <PageHeader title="API keys" lead={lead} />
      <section className="card" aria-labelledby="api-keys-how">
        <h2 id="api-keys-how">How API keys work</h2>
        <ul className="steps">
          <li>
            A system sends its token as <code>Authorization: Bearer ks_…</code>. Keystead stores only a hash of it, so the token is shown once, when the key is created.
          </li>
          <li>
            Scopes limit what the key may call. It sees no wallet until it is given a role (viewer, initiator or approver) in the wallet’s members.
          </li>
          <li>
            To approve or reject transfers, register the public key the system signs with; the wallet’s policy must name the API key for its approval to count.
          </li>
          <li>
            The API is described in <code>docs/api.md</code> and <code>docs/openapi.json</code> of your Keystead installation.
          </li>
        </ul>
      </section>
      <CreateApiKeyForm />
      <section className="card" aria-labelledby="api-keys-title">
        <h2 id="api-keys-title">Keys</h2>
        {keys.error && <ErrorAlert error={keys.error} title="Could not load API keys" />}
        {keys.isPending && <p className="muted">Loading API keys…</p>}
        {keys.data?.length === 0 && <p className="muted">No API keys yet.</p>}
        {keys.data && keys.data.length > 0 && (
          <div className="table-wrap">
            <table className="stack-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Status</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Approvals &amp; wallets</th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((k) => (
                  <ApiKeyRow key={k.id} apiKey={k} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
