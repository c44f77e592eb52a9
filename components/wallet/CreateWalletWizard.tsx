'use client';
import Link from 'next/link';
import { useCallback, useMemo, useState, type FormEvent } from 'react';
import { useTRPCClient } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { Field } from '@/components/ui/Field';
import { useMe } from '@/components/shell/AppShell';
import { CeremonyProgress } from './CeremonyProgress';
import { KeycardStep } from './KeycardStep';
import { PasswordFields, type PasswordState } from './PasswordFields';
import { runWalletCeremony, type CeremonyResult, type CeremonyStepId } from './ceremony';

type Phase = { name: 'details' } | { name: 'running'; step: CeremonyStepId } | { name: 'card'; result: CeremonyResult };

export function CreateWalletWizard() {
  const client = useTRPCClient();
  const me = useMe();
  const [name, setName] = useState('');
  const [pw, setPw] = useState<PasswordState>({ password: '', isAcceptable: false });
  const [phase, setPhase] = useState<Phase>({ name: 'details' });
  const [error, setError] = useState<unknown>(null);
  const [sharing, setSharing] = useState(false);
  const [k, setK] = useState(2);
  const [n, setN] = useState(3);
  const onPassword = useCallback((state: PasswordState) => setPw(state), []);
  const userInputs = useMemo(() => [name, me.email, me.displayName, me.orgName, 'keystead'], [name, me]);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!pw.isAcceptable) return;
    setError(null);
    try {
      const result = await runWalletCeremony({
        client,
        name,
        orgName: me.orgName,
        password: pw.password,
        passwordShares: sharing ? { k, n } : undefined,
        onStep: (step) => setPhase({ name: 'running', step }),
      });
      setPhase({ name: 'card', result });
    } catch (e) {
      setError(e);
      setPhase({ name: 'details' });
    }
  }

  if (phase.name === 'card') return <KeycardStep result={phase.result} />;
  if (phase.name === 'running') return <CeremonyProgress current={phase.step} />;

  return (
    <form className="card stack wizard" onSubmit={onSubmit} noValidate>
      <h2>Wallet details</h2>
      <Field label="Wallet name" name="walletName" required value={name} onChange={(e) => setName(e.target.value)} hint="For example “Treasury cold storage”. Shown to everyone with access to the wallet." />
      <PasswordFields userInputs={userInputs} onChange={onPassword} />
      <fieldset className="stack">
        <legend>Password recovery without Keystead (optional)</legend>
        <label className="checkbox">
          <input type="checkbox" checked={sharing} onChange={(e) => setSharing(e.target.checked)} /> Also split the password among officers (Shamir k-of-n share cards)
        </label>
        {sharing && (
          <div className="inline-form">
            <div className="field">
              <label htmlFor="share-k">Shares needed (k)</label>
              <select id="share-k" value={k} onChange={(e) => setK(Number(e.target.value))}>
                {Array.from({ length: n - 1 }, (_, i) => i + 2).map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="share-n">Officers (n)</label>
              <select id="share-n" value={n} onChange={(e) => { const v = Number(e.target.value); setN(v); if (k > v) setK(v); }}>
                {Array.from({ length: 9 }, (_, i) => i + 2).map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </div>
          </div>
        )}
        <p className="small muted">
          Box 4 of the key card lets Keystead’s HSM recover the password after your admins approve. With share cards, any {k} of {n} officers can recover it with no Keystead at all.
        </p>
      </fieldset>
      <Alert tone="info" title="What happens next">
        Your browser generates two keys and encrypts them with this password; the co-signer key is created in Keystead’s HSM.
        You then download a key card PDF holding the encrypted keys. Keystead keeps only the encrypted user key and the public keys.
      </Alert>
      {error ? <ErrorAlert error={error} title="The wallet could not be created" /> : null}
      <div className="form-actions">
        <Link href="/wallets" className="btn btn-ghost">
          Cancel
        </Link>
        <Button type="submit" disabled={name.trim().length < 2 || !pw.isAcceptable}>
          Create keys and wallet
        </Button>
      </div>
    </form>
  );
}
