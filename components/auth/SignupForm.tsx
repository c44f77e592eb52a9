'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { apiErrorView } from '@/lib/trpc/errors';
import { useTRPC } from '@/lib/trpc/react';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { Field } from '@/components/ui/Field';
import { createPasskey, defaultPasskeyName } from './passkey-browser';

export function SignupForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [form, setForm] = useState({ orgName: '', displayName: '', email: '' });
  const start = useMutation(trpc.auth.signupStart.mutationOptions());
  const finish = useMutation(trpc.auth.signupFinish.mutationOptions());
  const [promptError, setPromptError] = useState<unknown>(null);
  const [step, setStep] = useState<'idle' | 'prompt' | 'verifying'>('idle');

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setPromptError(null);
    try {
      const { ceremonyId, options } = await start.mutateAsync(form);
      setStep('prompt');
      const response = await createPasskey(options);
      setStep('verifying');
      await finish.mutateAsync({ ceremonyId, response, passkeyName: defaultPasskeyName() });
      router.replace('/dashboard');
      router.refresh();
    } catch (error) {
      if (!(error as { data?: unknown }).data) setPromptError(error);
      setStep('idle');
    }
  }

  const fieldErrors = apiErrorView(start.error)?.fieldErrors ?? {};
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  return (
    <form onSubmit={onSubmit} className="stack" noValidate>
      <Field label="Organisation name" name="orgName" autoComplete="organization" required value={form.orgName} onChange={set('orgName')} errors={fieldErrors.orgName} />
      <Field label="Your name" name="displayName" autoComplete="name" required value={form.displayName} onChange={set('displayName')} errors={fieldErrors.displayName} />
      <Field
        label="Work email"
        name="email"
        type="email"
        autoComplete="email"
        required
        value={form.email}
        onChange={set('email')}
        errors={fieldErrors.email}
        hint="You become this organisation's first admin."
      />
      {start.error && Object.keys(fieldErrors).length === 0 && <ErrorAlert error={start.error} title="Could not start sign-up" />}
      {finish.error && <ErrorAlert error={finish.error} title="Could not create your account" />}
      {promptError ? <ErrorAlert error={promptError} title="Passkey not created" /> : null}
      <Button type="submit" busy={step !== 'idle'} busyLabel={step === 'prompt' ? 'Waiting for your passkey…' : 'Creating your organisation…'}>
        Create organisation with a passkey
      </Button>
      <p className="muted small">
        Your browser or security key creates a passkey bound to this site. No password is sent or stored.
      </p>
    </form>
  );
}
