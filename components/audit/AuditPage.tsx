'use client';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC, useTRPCClient } from '@/lib/trpc/react';
import { Button } from '@/components/ui/Button';
import { downloadFile } from '@/components/ui/download';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';
import { useMe } from '@/components/shell/AppShell';
import { PageHeader } from '@/components/shell/PageHeader';
import { Alert } from '@/components/ui/Alert';
import { VerifyPanel } from './VerifyPanel';
import { approvalRequestOf, describeEvent } from './describe';

export function AuditPage() {
  const me = useMe();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [exportError, setExportError] = useState<unknown>(null);
  const events = useInfiniteQuery({
    ...trpc.audit.list.infiniteQueryOptions({ limit: 50 }, { getNextPageParam: (page) => page.nextBeforeSeq ?? undefined }),
    enabled: me.role === 'admin' || me.role === 'auditor',
  });

  if (me.role !== 'admin' && me.role !== 'auditor') {
    return (
      <>
        <PageHeader title="Audit log" />
        <Alert tone="info">Only admins and auditors can read the audit log. Ask an admin if you need access.</Alert>
      </>
    );
  }

  /** The request's passkey / API-key signatures, checkable with scripts/verify-approvals.ts. */
  async function downloadProofs(req: { requestKind: 'transfer' | 'governance'; requestId: string }) {
    setExportError(null);
    try {
      const bundle = await client.audit.approvalProofs.query(req);
      downloadFile(`keystead-approvals-${req.requestId}.json`, JSON.stringify(bundle, null, 2), 'application/json');
    } catch (error) {
      setExportError(error);
    }
  }

  async function download() {
    setExportError(null);
    try {
      const data = await client.audit.export.query({});
      downloadFile(`keystead-audit-${data.orgId}-${data.exportedAt.slice(0, 10)}.json`, JSON.stringify(data, null, 2), 'application/json');
    } catch (error) {
      setExportError(error);
    }
  }

  const rows = events.data?.pages.flatMap((p) => p.entries) ?? [];
  return (
    <>
      <PageHeader
        title="Audit log"
        lead="Every security-relevant event, hash-chained: each entry commits to the one before it, so any change to history is detectable."
        actions={
          <Button variant="secondary" onClick={download}>
            Download export (JSON)
          </Button>
        }
      />
      {exportError ? <ErrorAlert error={exportError} title="Export failed" /> : null}
      <VerifyPanel onVerified={() => queryClient.invalidateQueries({ queryKey: trpc.audit.list.pathKey() })} />
      <section className="card" aria-labelledby="events-title">
        <h2 id="events-title">Events</h2>
        {events.error && <ErrorAlert error={events.error} title="Could not load events" />}
        {events.isPending && <p className="muted">Loading events…</p>}
        <div className="table-wrap">
          <table className="audit-table stack-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Event</th>
                <th scope="col">Hash</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.seq} data-testid={`audit-${e.seq}`}>
                  <td className="mono" data-label="#">{e.seq}</td>
                  <td title={e.at} data-label="When">{formatDateTime(e.at)}</td>
                  <td data-label="Who">{e.actorName ?? '—'}</td>
                  <td data-label="Event" className="event-cell">
                    <code className="event-type">{e.type}</code>
                    <div className="muted small">{describeEvent(e.type, e.payload)}</div>
                    {approvalRequestOf(e.type, e.payload) && (
                      <button type="button" className="link-button small" onClick={() => void downloadProofs(approvalRequestOf(e.type, e.payload)!)}>
                        Download signed approvals (for offline verification)
                      </button>
                    )}
                  </td>
                  <td className="mono small" title={e.hash} data-label="Hash">
                    {e.hash.slice(0, 12)}…
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {events.hasNextPage && (
          <Button variant="secondary" onClick={() => events.fetchNextPage()} busy={events.isFetchingNextPage}>
            Load older events
          </Button>
        )}
      </section>
    </>
  );
}
