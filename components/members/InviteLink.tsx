'use client';
import { Alert } from '@/components/ui/Alert';
import { CopyButton } from '@/components/ui/CopyButton';
import { formatDateTime } from '@/components/ui/format';

/** Shown once: the server keeps only a hash of the token, so the link cannot be displayed again. */
export function InviteLink({ url, expiresAt }: { url: string; expiresAt: string }) {
  return (
    <Alert tone="success" title="Invite link created">
      <p>
        Send this link to the person over a channel you trust. It works once and expires {formatDateTime(expiresAt)}. It is shown only
        now.
      </p>
      <div className="copy-row">
        <code className="mono break" data-testid="invite-url">
          {url}
        </code>
        <CopyButton value={url} label="Copy link" />
      </div>
    </Alert>
  );
}
