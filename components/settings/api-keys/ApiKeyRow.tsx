'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { API_SCOPE_LABELS } from '@/lib/api-keys';
import { useTRPC } from '@/lib/trpc/react';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';
import { SigningKeyForm } from './SigningKeyForm';
import type { ApiKeyView } from './types';

const COLUMNS = 7;

const STATUS = {
  active: <Badge tone="good">Active</Badge>,
  expired: <Badge tone="warn">Expired</Badge>,
  revoked: <Badge tone="bad">Revoked</Badge>,
} as const;

export function ApiKeyRow({ apiKey }: { apiKey: ApiKeyView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<null | 'revoke' | 'signing'>(null);
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSettled: () => {
        setMode(null);
        return queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
      },
    }),
  );
  const active = apiKey.status === 'active';

  return (
    <>
      <tr className={active ? 'api-key-main' : 'row-inactive'} data-testid={`api-key-${apiKey.prefix}`}>
        <td data-label="Name">
          <div>
            <strong>{apiKey.name}</strong>
            <div className="muted small">{apiKey.createdByName ? `by ${apiKey.createdByName}, ` : ''}{formatDateTime(apiKey.createdAt)}</div>
          </div>
        </td>
        <td data-label="Key">
          <code className="mono">ks_{apiKey.prefix}_…</code>
        </td>
        <td data-label="Scopes">
          <span className="webhook-events">
            {apiKey.scopes.map((s) => (
              <span key={s} title={API_SCOPE_LABELS[s].description}>
                <Badge>{s}</Badge>
              </span>
            ))}
          </span>
        </td>
        <td data-label="Status">
          {STATUS[apiKey.status]}
          {apiKey.revokedAt && <div className="muted small">{formatDateTime(apiKey.revokedAt)}</div>}
        </td>
        <td data-label="Expires">{formatDateTime(apiKey.expiresAt)}</td>
        <td data-label="Last used">{apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt) : <span className="muted">Never</span>}</td>
        <td data-label="Approvals" className="small">
          {apiKey.signingAlgorithm ? (
            <span title={apiKey.signingPublicKey ?? undefined}>Signs with {apiKey.signingAlgorithm === 'ed25519' ? 'Ed25519' : 'P-256'}</span>
          ) : (
            <span className="muted">No signing key</span>
          )}
          {apiKey.wallets.length > 0 && (
            <div className="muted">
              {apiKey.wallets.map((w) => `${w.walletName} (${w.role})`).join(', ')}
            </div>
          )}
        </td>
      </tr>
      {active && (
        <tr>
          <td colSpan={COLUMNS} className="row-detail">
            {mode === null && (
              <div className="row-actions">
                <Button variant="secondary" className="btn-small" onClick={() => setMode('signing')} aria-label={`Signing key of ${apiKey.name}`}>
                  {apiKey.signingAlgorithm ? 'Change signing key' : 'Set signing key'}
                </Button>
                <Button variant="ghost" className="btn-small" onClick={() => setMode('revoke')} aria-label={`Revoke ${apiKey.name}`}>
                  Revoke
                </Button>
              </div>
            )}
            {mode === 'revoke' && (
              <span className="confirm" role="group" aria-label={`Confirm revoking ${apiKey.name}`}>
                <span className="small">Revoke “{apiKey.name}”? Its next request is refused; this cannot be undone.</span>
                <Button variant="danger" className="btn-small" busy={revoke.isPending} busyLabel="Revoking…" onClick={() => revoke.mutate({ apiKeyId: apiKey.id })}>
                  Revoke key
                </Button>
                <Button variant="ghost" className="btn-small" onClick={() => setMode(null)}>
                  Keep it
                </Button>
              </span>
            )}
            {mode === 'signing' && <SigningKeyForm apiKey={apiKey} onDone={() => setMode(null)} />}
            {revoke.error && <ErrorAlert error={revoke.error} title={`Could not revoke ${apiKey.name}`} />}
          </td>
        </tr>
      )}
    </>
  );
}
