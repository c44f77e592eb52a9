'use client';
import { useEffect, useState } from 'react';
import { Field } from '@/components/ui/Field';
import { passwordPolicyErrors } from '@/lib/crypto/password-strength';
import { loadStrengthChecker, MIN_PASSWORD_LENGTH, MIN_SCORE, type StrengthResult } from './password-strength';

const LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;

export interface PasswordState {
  password: string;
  isAcceptable: boolean;
}

/** Wallet password + confirmation with a live strength meter; weak passwords are refused. */
export function PasswordFields({ userInputs, onChange }: { userInputs: string[]; onChange: (state: PasswordState) => void }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [strength, setStrength] = useState<StrengthResult | null>(null);

  useEffect(() => {
    let cancelled = false;
    if (!password) {
      setStrength(null);
      return;
    }
    void loadStrengthChecker().then((check) => {
      if (!cancelled) setStrength(check(password, userInputs));
    });
    return () => {
      cancelled = true;
    };
  }, [password, userInputs]);

  // Two checks: the hard policy shared with lib/crypto, then zxcvbn's guessability estimate.
  const policy = password ? passwordPolicyErrors(password) : [];
  const tooShort = password.length > 0 && password.length < MIN_PASSWORD_LENGTH;
  const tooWeak = strength !== null && strength.score < MIN_SCORE;
  const mismatch = confirm.length > 0 && confirm !== password;
  const isAcceptable = policy.length === 0 && password.length >= MIN_PASSWORD_LENGTH && strength !== null && strength.score >= MIN_SCORE && confirm === password;

  useEffect(() => onChange({ password, isAcceptable }), [password, isAcceptable, onChange]);

  const errors: string[] = [...policy];
  if (tooShort && policy.length === 0) errors.push(`Use at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (!tooShort && policy.length === 0 && tooWeak) errors.push(strength?.warning ? `${strength.warning}.` : 'This password is too easy to guess.');

  return (
    <>
      <Field
        label="Wallet password"
        name="walletPassword"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        errors={errors.length ? errors : undefined}
        hint="Encrypts the wallet keys in this browser. Keystead never sees it. Without it the key card cannot be used, so store it apart from the card."
      />
      {password && (
        <div className="strength" aria-live="polite">
          <div className="strength-bar" data-score={strength?.score ?? 0}>
            {[0, 1, 2, 3].map((i) => (
              <span key={i} className={strength && strength.score > i ? 'on' : undefined} />
            ))}
          </div>
          <span className="small">
            {strength ? `${LABELS[strength.score]} · would take ${strength.crackTime} to guess offline` : 'Checking…'}
          </span>
          {strength?.suggestions.length ? <p className="field-hint">{strength.suggestions.join(' ')}</p> : null}
        </div>
      )}
      <Field
        label="Repeat the wallet password"
        name="walletPasswordConfirm"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={(e) => setConfirm(e.target.value)}
        errors={mismatch ? ['The passwords do not match.'] : undefined}
      />
    </>
  );
}
