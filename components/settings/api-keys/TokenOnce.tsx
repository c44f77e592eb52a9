'use client';
import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { CopyButton } from '@/components/ui/CopyButton';
import { formatDateTime } from '@/components/ui/format';

/** The bearer token, shown once: Keystead keeps only its hash, so it can never be displayed again. */
export function TokenOnce({ token, name, expiresAt, onDone }: { token: string; name: string; expiresAt: string; onDone: () => void }) {
  return (
    <Alert tone="warning" title={`API key “${name}” created: copy its token now`}>
      <p>
        This is the only time the token is shown. Store it in your system’s secret manager; anyone holding it can act with this key’s scopes until it
        expires ({formatDateTime(expiresAt)}) or you revoke it. If it is lost, revoke the key and create a new one.
      </p>
      <div className="copy-row">
        <code className="mono break" data-testid="api-key-token">
          {token}
        </code>
        <CopyButton value={token} label="Copy token" />
      </div>
      <p className="small">
        Send it as <code>Authorization: Bearer …</code>. The key sees no wallet until it is given a role in the wallet’s members.
      </p>
      <div className="form-actions">
        <Button variant="secondary" className="btn-small" onClick={onDone}>
          I have stored it
        </Button>
      </div>
    </Alert>
  );
}
