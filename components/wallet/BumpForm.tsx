'use client';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';

/** Replace-by-fee: propose a higher fee rate; the bump then needs approval like any transfer. */
export function BumpForm({ currentRate, busy, onBump, onCancel }: { currentRate: number; busy: boolean; onBump: (rate: number) => void; onCancel: () => void }) {
  const minimum = currentRate + 1;
  const [rate, setRate] = useState(String(Math.ceil(currentRate * 2 + 1)));
  const value = Number(rate);
  const isValid = Number.isFinite(value) && value >= minimum && value <= 10_000;
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (isValid) onBump(value);
  }
  return (
    <form className="inline-form bump-form" onSubmit={onSubmit} noValidate>
      <Field
        label="New fee rate (sat/vB)"
        name="bumpRate"
        inputMode="decimal"
        value={rate}
        onChange={(e) => setRate(e.target.value)}
        hint={`Now ${currentRate} sat/vB; at least ${minimum}. The bump is a new request that needs approval.`}
        errors={rate && !isValid ? [`Enter a rate of at least ${minimum} sat/vB.`] : undefined}
      />
      <Button type="submit" className="btn-small" disabled={!isValid} busy={busy} busyLabel="Preparing…">
        Prepare fee bump
      </Button>
      <Button variant="ghost" className="btn-small" onClick={onCancel}>
        Cancel
      </Button>
    </form>
  );
}
