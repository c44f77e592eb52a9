'use client';
import { useId } from 'react';
import { API_SIGNING_ALGORITHM_LABELS, API_SIGNING_ALGORITHMS, type ApiSigningAlgorithm } from '@/lib/api-keys';
import { Field } from '@/components/ui/Field';

export interface SigningKeyDraft {
  algorithm: ApiSigningAlgorithm | '';
  publicKey: string;
}

/** Algorithm and raw public key (base64url) of the key an API key signs approvals with. */
export function SigningKeyFields({ value, onChange, errors, optional }: { value: SigningKeyDraft; onChange: (v: SigningKeyDraft) => void; errors?: string[] | undefined; optional?: boolean }) {
  const id = useId();
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-alg`}>Signing key algorithm{optional ? ' (optional)' : ''}</label>
        <select id={`${id}-alg`} value={value.algorithm} onChange={(e) => onChange({ ...value, algorithm: e.target.value as SigningKeyDraft['algorithm'] })}>
          {optional && <option value="">None: this key will not approve</option>}
          {!optional && value.algorithm === '' && <option value="">Choose an algorithm</option>}
          {API_SIGNING_ALGORITHMS.map((a) => (
            <option key={a} value={a}>
              {API_SIGNING_ALGORITHM_LABELS[a]}
            </option>
          ))}
        </select>
        <p className="field-hint">Needed only to approve or reject transfers: the key signs the request digest with it. The private key stays in your system.</p>
      </div>
      {value.algorithm !== '' && (
        <Field
          label="Signing public key (base64url)"
          name="signingPublicKey"
          autoComplete="off"
          spellCheck={false}
          className="mono"
          placeholder={value.algorithm === 'ed25519' ? '43 characters' : '44 or 87 characters'}
          hint={value.algorithm === 'ed25519' ? 'The raw 32-byte Ed25519 public key.' : 'The raw SEC1 P-256 point: 65 bytes uncompressed (WebCrypto exportKey("raw")) or 33 compressed.'}
          value={value.publicKey}
          onChange={(e) => onChange({ ...value, publicKey: e.target.value })}
          errors={errors}
          required
        />
      )}
    </>
  );
}
