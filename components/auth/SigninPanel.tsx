'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/lib/trpc/react';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { assertPasskey } from './passkey-browser';

export function SigninPanel() {
  const trpc = useTRPC();
  const router = useRouter();
  const start = useMutation(trpc.auth.signinStart.mutationOptions());
  const finish = useMutation(trpc.auth.signinFinish.mutationOptions());
  const [promptError, setPromptError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function signIn() {
    setPromptError(null);
    setBusy(true);
    try {
      const { ceremonyId, options } = await start.mutateAsync({});
      const response = await assertPasskey(options);
      await finish.mutateAsync({ ceremonyId, response });
      router.replace('/dashboard');
      router.refresh();
    } catch (error) {
      if (!(error as { data?: unknown }).data) setPromptError(error);
      setBusy(false);
    }
  }

  return (
    <div className="stack">
      <Button onClick={signIn} busy={busy} busyLabel="Waiting for your passkey…">
        Sign in with a passkey
      </Button>
      {start.error && <ErrorAlert error={start.error} title="Could not start sign-in" />}
      {finish.error && <ErrorAlert error={finish.error} title="Sign-in failed" />}
      {promptError ? <ErrorAlert error={promptError} title="Sign-in not completed" /> : null}
      <p className="muted small">Lost every passkey? Ask an admin of your organisation for a re-enrolment invite.</p>
    </div>
  );
}
