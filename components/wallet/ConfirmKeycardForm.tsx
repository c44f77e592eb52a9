'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/lib/trpc/react';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { Field } from '@/components/ui/Field';

/** For a wallet whose card was downloaded but not confirmed (e.g. the tab was closed). */
export function ConfirmKeycardForm({ walletId }: { walletId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const confirm = useMutation(
    trpc.wallets.confirmKeycard.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.wallets.pathKey() }) }),
  );
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    confirm.mutate({ walletId, code });
  }
  return (
    <form className="card stack" onSubmit={onSubmit} noValidate>
      <h2>Confirm the key card</h2>
      <p className="muted small">The wallet becomes active once you type the confirmation code printed on its key card.</p>
      <Field label="Confirmation code" name="confirmCode" autoComplete="off" value={code} onChange={(e) => setCode(e.target.value)} className="mono code-input" />
      {confirm.error && <ErrorAlert error={confirm.error} title="Not confirmed" />}
      <div>
        <Button type="submit" disabled={code.trim().length < 4} busy={confirm.isPending}>
          Confirm and activate
        </Button>
      </div>
    </form>
  );
}
