'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { ORG_ROLE_LABELS } from '@/lib/roles';
import { apiErrorView } from '@/lib/trpc/errors';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { Field } from '@/components/ui/Field';
import { formatDateTime } from '@/components/ui/format';
import { createPasskey, defaultPasskeyName } from './passkey-browser';

/** The invite token travels in the URL fragment, which only this page's script reads. */
function useInviteToken(): string | null | undefined {
  const [token, setToken] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    const read = () => setToken(window.location.hash.replace(/^#/, '') || null);
    read();
    window.addEventListener('hashchange', read);
    return () => window.removeEventListener('hashchange', read);
  }, []);
  return token;
}

export function AcceptInvite() {
  const token = useInviteToken();
  const trpc = useTRPC();
  const router = useRouter();
  const invite = useQuery({ ...trpc.invites.lookup.queryOptions({ token: token ?? '' }), enabled: Boolean(token), retry: false });
  const start = useMutation(trpc.invites.acceptStart.mutationOptions());
  const finish = useMutation(trpc.invites.acceptFinish.mutationOptions());
  const [displayName, setDisplayName] = useState('');
  const [promptError, setPromptError] = useState<unknown>(null);
  const [step, setStep] = useState<'idle' | 'prompt' | 'verifying'>('idle');

  useEffect(() => {
    if (invite.data?.displayName) setDisplayName(invite.data.displayName);
  }, [invite.data?.displayName]);

  if (token === undefined) return <p className="muted">Reading your invite…</p>;
  if (token === null) return <Alert title="No invite token">Open the full invite link you received. It ends with a long code after “#”.</Alert>;
  if (invite.isPending) return <p className="muted">Checking your invite…</p>;
  if (invite.error) return <ErrorAlert error={invite.error} title="This invite cannot be used" />;
  const data = invite.data;
  const isReenrol = data.kind === 'reenrol';

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setPromptError(null);
    try {
      const { ceremonyId, options } = await start.mutateAsync({ token: token!, displayName });
      setStep('prompt');
      const response = await createPasskey(options);
      setStep('verifying');
      await finish.mutateAsync({ token: token!, ceremonyId, response, passkeyName: defaultPasskeyName() });
      router.replace('/dashboard');
      router.refresh();
    } catch (error) {
      if (!(error as { data?: unknown }).data) setPromptError(error);
      setStep('idle');
    }
  }

  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      <dl className="facts">
        <dt>Organisation</dt>
        <dd>{data.orgName}</dd>
        <dt>Account</dt>
        <dd>{data.email}</dd>
        <dt>Role</dt>
        <dd>{ORG_ROLE_LABELS[data.role].label}</dd>
        <dt>Link expires</dt>
        <dd>{formatDateTime(data.expiresAt)}</dd>
      </dl>
      {isReenrol ? (
        <Alert tone="warning" title="Re-enrolment">
          Creating a new passkey here replaces every passkey this account had before, and signs out its other sessions.
        </Alert>
      ) : (
        <Field label="Your name" name="displayName" autoComplete="name" required value={displayName} onChange={(e) => setDisplayName(e.target.value)} errors={apiErrorView(start.error)?.fieldErrors.displayName} />
      )}
      {start.error && <ErrorAlert error={start.error} title="Could not start" />}
      {finish.error && <ErrorAlert error={finish.error} title="Could not join" />}
      {promptError ? <ErrorAlert error={promptError} title="Passkey not created" /> : null}
      <Button type="submit" busy={step !== 'idle'} busyLabel={step === 'prompt' ? 'Waiting for your passkey…' : 'Joining…'}>
        {isReenrol ? 'Create my new passkey' : 'Join with a passkey'}
      </Button>
    </form>
  );
}
