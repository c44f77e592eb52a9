'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { formatSats } from '@/lib/bitcoin/amount';
import type { KeyOrigin } from '@/lib/crypto';
import type { PsbtDescription } from '@/lib/crypto/psbt';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { Field } from '@/components/ui/Field';

type Network = 'mainnet' | 'testnet' | 'regtest';

/**
 * The final approver signs in the browser. The PSBT is described from the wallet's own public
 * keys first (change is shown as ours only if it derives from them); only then is Key #1
 * decrypted with the password, used for this PSBT's inputs, and dropped.
 */
export function SignPanel({ walletId, transferId, network, keys, onDone }: { walletId: string; transferId: string; network: Network; keys: { role: string; fingerprint: string; path: string; xpub: string }[]; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const material = useMutation(trpc.transfers.signingData.mutationOptions());
  const submit = useMutation(trpc.transfers.submitSignature.mutationOptions());
  const [review, setReview] = useState<{ psbt: string; envelope: Record<string, unknown>; description: PsbtDescription; origins: [KeyOrigin, KeyOrigin, KeyOrigin] } | null>(null);
  const [reviewError, setReviewError] = useState<unknown>(null);
  const [password, setPassword] = useState('');
  const [stage, setStage] = useState<'idle' | 'decrypting' | 'signing' | 'sending'>('idle');
  const [signError, setSignError] = useState<unknown>(null);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const data = await material.mutateAsync({ walletId, transferId });
        const { originsFromKeys } = await import('@/lib/wallet-keys');
        const { describePsbt } = await import('@/lib/crypto/psbt');
        const origins = originsFromKeys(keys, network);
        const description = describePsbt(data.psbt, { origins, network });
        if (!cancelled) setReview({ ...data, description, origins });
      } catch (error) {
        if (!cancelled) setReviewError(error);
      }
    })();
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [walletId, transferId]);

  async function onSign(e: FormEvent) {
    e.preventDefault();
    if (!review) return;
    setSignError(null);
    try {
      setStage('decrypting');
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const { decryptKey } = await import('@/lib/crypto');
      const { signPsbtWithKey } = await import('@/lib/crypto/psbt');
      let xprv: string | null = new TextDecoder().decode(await decryptKey(review.envelope, password, { walletId, keyRole: 'user' }));
      setStage('signing');
      const signed = signPsbtWithKey(review.psbt, xprv, 'user', { origins: review.origins, network });
      xprv = null; // the only reference to the decrypted key
      setPassword('');
      setStage('sending');
      await submit.mutateAsync({ walletId, transferId, psbt: signed });
      await queryClient.invalidateQueries({ queryKey: trpc.transfers.pathKey() });
      await queryClient.invalidateQueries({ queryKey: trpc.wallets.pathKey() });
      onDone();
    } catch (error) {
      if (!(error as { data?: unknown }).data) setSignError(error);
    } finally {
      setStage('idle');
    }
  }

  if (reviewError || material.error) return <ErrorAlert error={reviewError ?? material.error} title="This transaction cannot be signed" />;
  if (!review) return <p className="muted">Loading the transaction to sign…</p>;
  const d = review.description;
  return (
    <form className="sign-panel stack" onSubmit={onSign} noValidate>
      <h3>Review what you are signing</h3>
      <ul className="list">
        {d.outputs.map((o, i) => (
          <li key={i} className="list-row">
            <div>
              <div className="small muted">{o.isChange ? `Change back to this wallet (verified: address 1/${o.changeIndex})` : 'Pay to'}</div>
              <code className="mono break small">{o.address ?? o.scriptHex}</code>
            </div>
            <strong className="mono">{formatSats(o.valueSats, 'BTC')}</strong>
          </li>
        ))}
        <li className="list-row">
          <span>Network fee ({d.feeRate} sat/vB)</span>
          <strong className="mono">{formatSats(d.feeSats, 'BTC')}</strong>
        </li>
      </ul>
      <Alert tone="info">
        Your browser computed this from the wallet’s public keys. Key #1 is decrypted only for this signature and then discarded;
        your password never leaves this browser.
      </Alert>
      <Field label="Wallet password" name="signPassword" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      {signError ? <ErrorAlert error={signError} title="Not signed" /> : null}
      {submit.error && <ErrorAlert error={submit.error} title="Not sent" />}
      <div>
        <Button type="submit" disabled={!password} busy={stage !== 'idle'} busyLabel={stage === 'decrypting' ? 'Decrypting Key #1 (Argon2id)…' : stage === 'signing' ? 'Signing…' : 'Co-signing and broadcasting…'}>
          Sign and send
        </Button>
      </div>
    </form>
  );
}
