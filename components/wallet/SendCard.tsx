'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiErrorView } from '@/lib/trpc/errors';
import { useTRPC } from '@/lib/trpc/react';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { Field } from '@/components/ui/Field';

/** Initiating a transfer only proposes it: nothing is signed until an approver approves. */
export function SendCard({ walletId, network }: { walletId: string; network: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [address, setAddress] = useState('');
  const [amount, setAmount] = useState('');
  const [feeRate, setFeeRate] = useState('');
  const [sendMax, setSendMax] = useState(false);
  const create = useMutation(
    trpc.transfers.create.mutationOptions({
      onSuccess: () => {
        setAddress('');
        setAmount('');
        return queryClient.invalidateQueries({ queryKey: trpc.transfers.list.queryKey({ walletId }) });
      },
    }),
  );
  const fields = apiErrorView(create.error)?.fieldErrors ?? {};
  const prefix = network === 'regtest' ? 'bcrt1…' : network === 'testnet' ? 'tb1…' : 'bc1…';

  function prepare(draft: boolean) {
    create.mutate({
      walletId,
      outputs: [{ address, amount: sendMax ? '0' : amount }],
      sendMax,
      draft,
      ...(feeRate.trim() ? { feeRateSatVb: Number(feeRate) } : {}),
    });
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    prepare(false);
  }

  return (
    <section className="card" aria-labelledby="send-title">
      <h2 id="send-title">Send</h2>
      <form className="stack" onSubmit={onSubmit} noValidate>
        <Field label="Destination address" name="destination" className="mono" autoComplete="off" spellCheck={false} placeholder={prefix} value={address} onChange={(e) => setAddress(e.target.value)} errors={fields['outputs.0.address']} />
        <div className="inline-form">
          <Field
            label="Amount (BTC)"
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            className="mono"
            placeholder="0.00000000"
            value={sendMax ? '' : amount}
            disabled={sendMax}
            onChange={(e) => setAmount(e.target.value)}
            hint="Up to 8 decimal places. 1 BTC = 100,000,000 sat."
          />
          <Field label="Fee rate (sat/vB)" name="feeRate" inputMode="decimal" placeholder="node estimate" value={feeRate} onChange={(e) => setFeeRate(e.target.value)} hint="Leave empty to use the node’s estimate." />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={sendMax} onChange={(e) => setSendMax(e.target.checked)} /> Send everything (all confirmed coins, minus the fee)
        </label>
        {create.error && <ErrorAlert error={create.error} title="The transfer could not be prepared" />}
        <div className="row-actions">
          <Button type="submit" busy={create.isPending && !create.variables?.draft} busyLabel="Preparing…" disabled={create.isPending || !address.trim() || (!sendMax && !amount.trim())}>
            Prepare transfer for approval
          </Button>
          <Button type="button" variant="secondary" busy={create.isPending && !!create.variables?.draft} busyLabel="Saving…" disabled={create.isPending || !address.trim() || (!sendMax && !amount.trim())} onClick={() => prepare(true)}>
            Save as draft
          </Button>
        </div>
        <p className="small muted">A draft keeps its coins reserved and is checked against the policy; approvers see it only when you submit it.</p>
      </form>
    </section>
  );
}
