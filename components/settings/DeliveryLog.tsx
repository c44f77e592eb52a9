'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc/react';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';
import type { DeliveryView } from './types';

const STATES = {
  pending: { label: 'Pending', tone: 'warn' },
  delivered: { label: 'Delivered', tone: 'good' },
  failed: { label: 'Failed', tone: 'bad' },
} as const;

function when(d: DeliveryView): string {
  if (d.state === 'delivered' && d.deliveredAt) return `Delivered ${formatDateTime(d.deliveredAt)}`;
  if (d.state === 'pending') return d.attempts === 0 ? 'Queued' : `Next try ${formatDateTime(d.nextAttemptAt)}`;
  return 'Gave up';
}

/** The delivery log of one webhook: refreshed while open, with Redeliver on finished rows. */
export function DeliveryLog({ webhookId, active, id }: { webhookId: string; active: boolean; id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const log = useQuery({ ...trpc.webhooks.deliveries.queryOptions({ webhookId, limit: 50 }), refetchInterval: 10_000 });
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.queryKey({ webhookId, limit: 50 }) }),
      queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() }),
    ]);
  const redeliver = useMutation(trpc.webhooks.redeliver.mutationOptions({ onSettled: refresh }));

  return (
    <div id={id} className="delivery-log">
      <div className="webhook-head">
        <h3 className="small-title">Delivery log</h3>
        <Button variant="ghost" className="btn-small" onClick={() => void refresh()} busy={log.isFetching} busyLabel="Refreshing…">
          Refresh
        </Button>
      </div>
      {log.error && <ErrorAlert error={log.error} title="Could not load the delivery log" />}
      {redeliver.error && <ErrorAlert error={redeliver.error} title="Could not redeliver" />}
      {log.isPending && <p className="muted small">Loading deliveries…</p>}
      {log.data?.length === 0 && <p className="muted small">Nothing sent yet. Use “Send test” to try the endpoint.</p>}
      {log.data && log.data.length > 0 && (
        <div className="table-wrap">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last response</th>
                <th scope="col">When</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {log.data.map((d) => (
                <tr key={d.id}>
                  <td data-label="Event" className="event-cell">
                    <code className="event-type">{d.eventType}</code>
                    <div className="muted small mono" title="Event id (Keystead-Event-Id)">
                      {d.eventId}
                    </div>
                    <div className="muted small">{formatDateTime(d.createdAt)}</div>
                  </td>
                  <td data-label="State">
                    <Badge tone={STATES[d.state].tone}>{STATES[d.state].label}</Badge>
                  </td>
                  <td data-label="Attempts">{d.attempts}</td>
                  <td data-label="Last response">
                    <span className="wrap-anywhere">
                      {d.lastStatus !== null ? <code>{d.lastStatus}</code> : d.attempts > 0 ? 'No response' : '—'}
                      {d.lastError && <span className="muted small"> {d.lastError.replace(/^HTTP \d+:? ?/, '')}</span>}
                    </span>
                  </td>
                  <td data-label="When">{when(d)}</td>
                  <td className="actions">
                    {d.state !== 'pending' && active && (
                      <Button
                        variant="ghost"
                        className="btn-small"
                        onClick={() => redeliver.mutate({ deliveryId: d.id })}
                        busy={redeliver.isPending && redeliver.variables?.deliveryId === d.id}
                        aria-label={`Redeliver ${d.eventType} event ${d.eventId}`}
                      >
                        Redeliver
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
