'use client';
import { useQuery } from '@tanstack/react-query';
import { WEBHOOK_MAX_ATTEMPTS } from '@/lib/events';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { useMe } from '@/components/shell/AppShell';
import { PageHeader } from '@/components/shell/PageHeader';
import { AddWebhookForm } from './AddWebhookForm';
import { WebhookCard } from './WebhookCard';

export function WebhooksPage() {
  const me = useMe();
  const trpc = useTRPC();
  const isAdmin = me.role === 'admin';
  const hooks = useQuery({ ...trpc.webhooks.list.queryOptions(), enabled: isAdmin });
  const lead = 'Keystead sends signed JSON events (transfers awaiting approval, broadcasts, confirmations, governance changes) to your own systems.';

  if (!isAdmin) {
    return (
      <>
        <PageHeader title="Webhooks" lead={lead} />
        <Alert tone="info">Only organisation admins can manage webhooks.</Alert>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Webhooks" lead={lead} />
      <section className="card" aria-labelledby="webhooks-how">
        <h2 id="webhooks-how">How delivery works</h2>
        <ul className="steps">
          <li>
            Each event is a <code>POST</code> with a JSON body <code>{'{ id, type, createdAt, orgId, data }'}</code> and a <code>Keystead-Signature</code> header
            (HMAC-SHA256 of <code>t.body</code> with the webhook’s secret). Verify it, and reject timestamps older than five minutes.
          </li>
          <li>
            Any <code>2xx</code> answer within 10 seconds counts as delivered. Anything else is retried with growing delays (30 s, 1 min, 2 min… up to 6 h) for{' '}
            {WEBHOOK_MAX_ATTEMPTS} attempts in all, about 15 hours. Redirects are not followed.
          </li>
          <li>
            An event may arrive more than once: use its <code>id</code> (also in <code>Keystead-Event-Id</code>) to ignore repeats.
          </li>
        </ul>
      </section>
      <AddWebhookForm />
      {hooks.error && <ErrorAlert error={hooks.error} title="Could not load webhooks" />}
      {hooks.isPending && <p className="muted">Loading webhooks…</p>}
      {hooks.data?.length === 0 && <p className="muted">No webhooks yet.</p>}
      {hooks.data && hooks.data.length > 0 && (
        <ul className="webhook-list" aria-label="Webhooks">
          {hooks.data.map((hook) => (
            <WebhookCard key={hook.id} hook={hook} />
          ))}
        </ul>
      )}
    </>
  );
}
