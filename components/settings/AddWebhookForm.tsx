'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { EventType } from '@/lib/events';
import { apiErrorView } from '@/lib/trpc/errors';
import { useTRPC } from '@/lib/trpc/react';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { Field } from '@/components/ui/Field';
import { EventPicker } from './EventPicker';
import { SecretOnce } from './SecretOnce';

export function AddWebhookForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<EventType[]>([]);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: () => {
        setUrl('');
        setEvents([]);
        return queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
      },
    }),
  );
  const view = apiErrorView(create.error);
  // A refused URL is shown under the URL field; other errors above the button.
  const urlErrors = view?.fieldErrors.url ?? (view?.appCode === 'WEBHOOK_URL_INVALID' ? [view.message] : undefined);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ url, events });
  }

  return (
    <section className="card" aria-labelledby="add-webhook-title">
      <h2 id="add-webhook-title">Add a webhook</h2>
      {create.data ? (
        <SecretOnce secret={create.data.secret} url={create.data.url} onDone={() => create.reset()} />
      ) : (
        <form className="stack" onSubmit={onSubmit} noValidate>
          <Field
            label="Endpoint URL"
            name="webhookUrl"
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://example.com/keystead-events"
            hint="Keystead POSTs JSON to this URL. It must use https:// (plain http:// only for localhost while developing)."
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            errors={urlErrors}
            required
          />
          <EventPicker value={events} onChange={setEvents} />
          {create.error && !urlErrors && <ErrorAlert error={create.error} title="Could not add the webhook" />}
          <div className="form-actions">
            <Button type="submit" busy={create.isPending} busyLabel="Adding…">
              Add webhook
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
