'use client';
import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { CopyButton } from '@/components/ui/CopyButton';

/** The signing secret, shown once (at creation or rotation): the list never returns it. */
export function SecretOnce({ secret, url, rotated, onDone }: { secret: string; url: string; rotated?: boolean; onDone: () => void }) {
  return (
    <Alert tone="warning" title={rotated ? 'New signing secret: copy it now' : 'Webhook added: copy its signing secret now'}>
      <p>
        Configure your receiver at <span className="mono break">{url}</span> with this secret to verify the <code>Keystead-Signature</code> header.
        It is shown only now; if it is lost, rotate the secret to get a new one.
        {rotated && ' Requests are signed with the new secret from now on, retries of earlier events included.'}
      </p>
      <div className="copy-row">
        <code className="mono break" data-testid="webhook-secret">
          {secret}
        </code>
        <CopyButton value={secret} label="Copy secret" />
      </div>
      <div className="form-actions">
        <Button variant="secondary" className="btn-small" onClick={onDone}>
          I have stored it
        </Button>
      </div>
    </Alert>
  );
}
