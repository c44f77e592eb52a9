'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { Field } from '@/components/ui/Field';
import { keycardPdfUrl, shareCardsPdfUrl, type CeremonyResult } from './ceremony';

/** Download the key card, then prove it was opened by typing back the code printed on it. */
export function KeycardStep({ result }: { result: CeremonyResult }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [paper, setPaper] = useState<'a4' | 'letter'>('a4');
  const [downloaded, setDownloaded] = useState(false);
  const [buildError, setBuildError] = useState<unknown>(null);
  const [code, setCode] = useState('');
  const confirm = useMutation(trpc.wallets.confirmKeycard.mutationOptions({ onSuccess: () => router.push(`/wallets/${result.walletId}`) }));
  const fileName = `keystead-keycard-${result.card.wallet.name.replace(/[^A-Za-z0-9-]+/g, '-')}-${result.walletId.slice(0, 8)}.pdf`;

  useEffect(() => {
    // Warn before leaving: the key card can never be produced again.
    const warn = (e: BeforeUnloadEvent) => {
      if (!confirm.isSuccess) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [confirm.isSuccess]);

  async function download() {
    setBuildError(null);
    try {
      const url = await keycardPdfUrl(result.card, paper);
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setDownloaded(true);
    } catch (error) {
      setBuildError(error);
    }
  }

  async function downloadShares() {
    setBuildError(null);
    try {
      const url = await shareCardsPdfUrl(result.shares!, result.card.wallet.name, paper);
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName.replace('keycard', 'password-shares');
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setBuildError(error);
    }
  }

  function onConfirm(event: FormEvent) {
    event.preventDefault();
    confirm.mutate({ walletId: result.walletId, code });
  }

  return (
    <section className="card stack" aria-labelledby="card-title">
      <h2 id="card-title">Download and keep your key card</h2>
      <Alert tone="warning" title="This is the only chance to save it">
        The key card holds your encrypted keys and is built in this browser; Keystead never receives it and cannot make it again.
        With the card and the wallet password, the funds can be recovered without Keystead. Print it, store it safely and
        separately from the password.
      </Alert>
      <div className="inline-form">
        <div className="field">
          <label htmlFor="paper">Paper size</label>
          <select id="paper" value={paper} onChange={(e) => setPaper(e.target.value as 'a4' | 'letter')}>
            <option value="a4">A4</option>
            <option value="letter">US Letter</option>
          </select>
        </div>
        <Button onClick={download} variant={downloaded ? 'secondary' : 'primary'}>
          {downloaded ? 'Download the key card again' : 'Download key card (PDF)'}
        </Button>
      </div>
      {buildError ? <ErrorAlert error={buildError} title="The key card could not be built" /> : null}
      {result.shares && (
        <div className="stack">
          <p>
            <strong>
              Password share cards: any {result.shares[0]!.k} of {result.shares.length} recover the password.
            </strong>{' '}
            One page per officer; give each page to a different person and keep them apart from the key card.
          </p>
          <div>
            <Button variant="secondary" onClick={() => void downloadShares()}>
              Download share cards (PDF, {result.shares.length} pages)
            </Button>
          </div>
        </div>
      )}
      <form className="stack" onSubmit={onConfirm} noValidate>
        <Field
          label="Confirmation code from the key card"
          name="confirmCode"
          autoComplete="off"
          spellCheck={false}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          disabled={!downloaded}
          hint="Open the PDF you downloaded and type the code printed in its highlighted box. This confirms the card opens and is readable."
          className="mono code-input"
        />
        {confirm.error && <ErrorAlert error={confirm.error} title="Not confirmed" />}
        <Button type="submit" disabled={!downloaded || code.trim().length < 4} busy={confirm.isPending} busyLabel="Activating…">
          Confirm and activate the wallet
        </Button>
      </form>
    </section>
  );
}
