'use client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';
import { outcomeText } from './ChangeRequestsTab';
import { GovernanceDecidePanel, type DecideOutcome } from './GovernanceDecidePanel';
import { POLICY_VERSION_STATES } from './labels';
import { PolicyEditor } from './PolicyEditor';
import { QuorumOutline } from './QuorumOutline';
import type { PolicyDocument } from './policy-model';

interface Props {
  walletId: string;
  canEdit: boolean;
  /** Opens a change request in the Change requests tab. */
  openRequest: (requestId: string) => void;
}

export function PolicyTab({ walletId, canEdit, openRequest }: Props) {
  const trpc = useTRPC();
  const policy = useQuery(trpc.policies.get.queryOptions({ walletId }));
  const changes = useQuery(trpc.governance.list.queryOptions({ walletId }));
  const [editing, setEditing] = useState(false);
  const [proposed, setProposed] = useState<{ id: string; version: number } | null>(null);
  const [outcome, setOutcome] = useState<DecideOutcome | null>(null);
  const proposedRef = useRef<HTMLDivElement>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);
  const editAreaRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (proposed) proposedRef.current?.focus();
  }, [proposed]);
  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);

  if (policy.error) return <ErrorAlert error={policy.error} title="Could not load the policy" />;
  if (!policy.data) return <p className="muted">Loading the policy…</p>;
  const { active, versions, directory } = policy.data;
  const doc = active.document as unknown as PolicyDocument;
  const activeRow = versions.find((v) => v.version === active.version);
  const pendingPolicy = (changes.data ?? []).filter((c) => c.kind === 'policy_change' && c.state === 'pending_approval');

  return (
    <div className="stack">
      <section className="card" aria-labelledby="policy-active-title">
        <div className="list-row">
          <h2 id="policy-active-title">Policy in force: version {active.version}</h2>
          <Badge tone="good">Active</Badge>
        </div>
        {activeRow?.activatedAt && <p className="small muted">Active since {formatDateTime(activeRow.activatedAt)}.</p>}
        <ul className="policy-lines">
          {active.description.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
        <h3 className="small-title">Who must approve</h3>
        {Object.entries(doc.quorums ?? {}).map(([name, node]) => (
          <div key={name} className="quorum-block">
            <p className="small">
              <strong>Quorum “{name}”</strong>
              {name === 'default' ? ' (used unless a rule requires another)' : name === 'governance' ? ' (approves changes to these controls)' : ''}
            </p>
            <QuorumOutline name={name} node={node} directory={directory} />
          </div>
        ))}
        {!doc.quorums?.governance && <p className="small muted">Changes to these controls (policy, whitelist, members) are approved by the “default” quorum.</p>}
        <p className="small muted">
          Document hash <code className="mono break">{active.hash}</code>
        </p>
        {pendingPolicy.length > 0 && (
          <Alert tone="info" title="A new version is waiting for approval">
            <ul className="plain-list">
              {pendingPolicy.map((c) => (
                <li key={c.id}>
                  {c.summary}{' '}
                  <Button variant="ghost" className="btn-small" onClick={() => openRequest(c.id)}>
                    Open the request
                  </Button>
                </li>
              ))}
            </ul>
          </Alert>
        )}
        {proposed && (
          <div ref={proposedRef} tabIndex={-1} className="stack">
            <Alert tone="success" title={`Version ${proposed.version} proposed`}>
              A change request was created. The new version applies once the quorum of the current policy (version {active.version}) approves it; until then version {active.version} stays in force.
            </Alert>
            <GovernanceDecidePanel
              walletId={walletId}
              requestId={proposed.id}
              onDone={(o) => {
                setProposed(null);
                setOutcome(o);
              }}
            />
          </div>
        )}
        {outcome && (
          <div ref={outcomeRef} tabIndex={-1}>
            <Alert tone={outcome.action === 'approve' ? 'success' : 'info'}>{outcomeText(outcome)}</Alert>
          </div>
        )}
        {canEdit && !editing && (
          <div className="row-actions" ref={editAreaRef}>
            <Button
              onClick={() => {
                setOutcome(null);
                setProposed(null);
                setEditing(true);
              }}
            >
              Propose a new version
            </Button>
          </div>
        )}
        {!canEdit && <p className="small muted">Only the wallet’s approvers can propose a new version.</p>}
      </section>

      {editing && (
        <section className="card" aria-label="New policy version">
          <PolicyEditor
            walletId={walletId}
            active={active.document}
            activeVersion={active.version}
            nextVersion={Math.max(active.version, ...versions.map((v) => v.version)) + 1}
            directory={directory}
            onCancel={() => {
              setEditing(false);
              setTimeout(() => editAreaRef.current?.querySelector('button')?.focus());
            }}
            onProposed={(request) => {
              setEditing(false);
              setProposed({ id: request.id, version: Number(request.payload.version) });
              void policy.refetch();
              void changes.refetch();
            }}
          />
        </section>
      )}

      <section className="card" aria-labelledby="policy-versions-title">
        <h2 id="policy-versions-title">Version history</h2>
        <div className="table-wrap">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">State</th>
                <th scope="col">Proposed</th>
                <th scope="col">Activated</th>
                <th scope="col">Hash</th>
              </tr>
            </thead>
            <tbody>
              {[...versions].reverse().map((v) => {
                const s = POLICY_VERSION_STATES[v.state as keyof typeof POLICY_VERSION_STATES] ?? { label: v.state, tone: 'neutral' as const };
                return (
                  <tr key={v.version} data-testid="policy-version-row">
                    <td data-label="Version">{v.version}</td>
                    <td data-label="State">
                      <Badge tone={s.tone}>{s.label}</Badge>
                    </td>
                    <td data-label="Proposed">{formatDateTime(v.createdAt)}</td>
                    <td data-label="Activated">{v.activatedAt ? formatDateTime(v.activatedAt) : '–'}</td>
                    <td data-label="Hash">
                      <code className="mono small" title={v.hash}>
                        {v.hash.slice(0, 16)}…
                      </code>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
