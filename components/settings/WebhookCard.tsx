'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { EventType } from '@/lib/events';
import { apiErrorView } from '@/lib/trpc/errors';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { Field } from '@/components/ui/Field';
import { formatDateTime } from '@/components/ui/format';
import { DeliveryLog } from './DeliveryLog';
import { EventPicker } from './EventPicker';
import { SecretOnce } from './SecretOnce';
import type { WebhookView } from './types';

type Confirming = null | 'rotate' | 'remove';

export function WebhookCard({ hook }: { hook: WebhookView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [showLog, setShowLog] = useState(false);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [url, setUrl] = useState(hook.url);
  const [events, setEvents] = useState<EventType[]>(hook.events as EventType[]);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.queryKey() }),
    ]);
  const update = useMutation(trpc.webhooks.update.mutationOptions({ onSuccess: () => setEditing(false), onSettled: refresh }));
  const rotate = useMutation(trpc.webhooks.rotateSecret.mutationOptions());
  const remove = useMutation(trpc.webhooks.remove.mutationOptions({ onSettled: refresh }));
  const test = useMutation(trpc.webhooks.test.mutationOptions({ onSuccess: () => setShowLog(true), onSettled: refresh }));
  const error = rotate.error ?? remove.error ?? test.error ?? (editing ? null : update.error);
  const editView = apiErrorView(update.error);
  const urlErrors = editView?.appCode === 'WEBHOOK_URL_INVALID' ? [editView.message] : editView?.fieldErrors.url;
  const logId = `log-${hook.id}`;
  const titleId = `hook-${hook.id}`;

  function onSave(event: FormEvent) {
    event.preventDefault();
    update.mutate({ webhookId: hook.id, url, events });
  }

  return (
    <li className="card webhook-card" aria-labelledby={titleId}>
      <div className="webhook-head">
        <div className="webhook-title">
          <h2 id={titleId} className="webhook-url">
            {hook.url}
          </h2>
          <div className="webhook-events">
            {hook.active ? <Badge tone="good">Active</Badge> : <Badge tone="warn">Paused</Badge>}
            {hook.events.length === 0 ? (
              <Badge>All events</Badge>
            ) : (
              hook.events.map((t) => (
                <code key={t} className="event-type">
                  {t}
                </code>
              ))
            )}
          </div>
        </div>
      </div>
      <p className="webhook-stats">
        <span>{hook.delivered} delivered</span>
        <span>{hook.pending} pending</span>
        <span className={hook.failed ? 'text-bad' : undefined}>{hook.failed} failed</span>
        <span>{hook.lastDeliveredAt ? `Last delivery ${formatDateTime(hook.lastDeliveredAt)}` : 'No delivery yet'}</span>
        <span>
          Added {formatDateTime(hook.createdAt)}
          {hook.createdByName ? ` by ${hook.createdByName}` : ''}
        </span>
      </p>

      {error && <ErrorAlert error={error} title="That did not work" />}
      {test.data && (
        <Alert tone="info">Test ping queued. It is sent within a few seconds; its result appears in the delivery log below.</Alert>
      )}
      {rotate.data && <SecretOnce secret={rotate.data.secret} url={hook.url} rotated onDone={() => rotate.reset()} />}

      {editing ? (
        <form className="stack edit-webhook" onSubmit={onSave} noValidate aria-label={`Edit webhook ${hook.url}`}>
          <Field label="Endpoint URL" type="url" inputMode="url" autoComplete="off" spellCheck={false} value={url} onChange={(e) => setUrl(e.target.value)} errors={urlErrors} required />
          <EventPicker value={events} onChange={setEvents} />
          {update.error && !urlErrors && <ErrorAlert error={update.error} title="Could not save" />}
          <div className="form-actions">
            <Button
              variant="ghost"
              onClick={() => {
                setEditing(false);
                update.reset();
              }}
            >
              Cancel
            </Button>
            <Button type="submit" busy={update.isPending} busyLabel="Saving…">
              Save changes
            </Button>
          </div>
        </form>
      ) : (
        <div className="row-actions">
          <Button variant="secondary" className="btn-small" onClick={() => test.mutate({ webhookId: hook.id })} busy={test.isPending} disabled={!hook.active} title={hook.active ? undefined : 'Turn the webhook on to test it'}>
            Send test
          </Button>
          <Button variant="secondary" className="btn-small" aria-expanded={showLog} aria-controls={logId} onClick={() => setShowLog(!showLog)}>
            {showLog ? 'Hide delivery log' : 'Delivery log'}
          </Button>
          <Button
            variant="ghost"
            className="btn-small"
            onClick={() => {
              setUrl(hook.url);
              setEvents(hook.events as EventType[]);
              setEditing(true);
            }}
          >
            Edit
          </Button>
          <Button variant="ghost" className="btn-small" busy={update.isPending} onClick={() => update.mutate({ webhookId: hook.id, active: !hook.active })}>
            {hook.active ? 'Pause' : 'Turn on'}
          </Button>
          {confirming === null ? (
            <>
              <Button variant="ghost" className="btn-small" onClick={() => setConfirming('rotate')}>
                Rotate secret
              </Button>
              <Button variant="ghost" className="btn-small" onClick={() => setConfirming('remove')}>
                Remove
              </Button>
            </>
          ) : (
            <span className="confirm">
              <span className="small">
                {confirming === 'rotate' ? 'Replace the secret? Your receiver rejects requests until it has the new one.' : 'Remove this webhook and its delivery log?'}
              </span>
              <Button
                variant="danger"
                className="btn-small"
                busy={rotate.isPending || remove.isPending}
                onClick={() => {
                  if (confirming === 'rotate') rotate.mutate({ webhookId: hook.id });
                  else remove.mutate({ webhookId: hook.id });
                  setConfirming(null);
                }}
              >
                {confirming === 'rotate' ? 'Rotate' : 'Remove'}
              </Button>
              <Button variant="ghost" className="btn-small" onClick={() => setConfirming(null)}>
                Cancel
              </Button>
            </span>
          )}
        </div>
      )}
      {showLog && <DeliveryLog webhookId={hook.id} active={hook.active} id={logId} />}
    </li>
  );
}
