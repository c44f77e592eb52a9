'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiErrorView } from '@/lib/trpc/errors';
import { useTRPC } from '@/lib/trpc/react';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import type { ApiKeyView } from './types';
import { SigningKeyFields, type SigningKeyDraft } from './SigningKeyFields';

/** Registers, replaces or removes the key an API key signs approvals with. */
export function SigningKeyForm({ apiKey, onDone }: { apiKey: ApiKeyView; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<SigningKeyDraft>({ algorithm: apiKey.signingAlgorithm ?? 'ed25519', publicKey: '' });
  const save = useMutation(
    trpc.apiKeys.setSigningKey.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
        onDone();
      },
    }),
  );
  const view = apiErrorView(save.error);
  const keyErrors = view?.fieldErrors['signingKey.publicKey'] ?? (view?.appCode === 'API_SIGNING_KEY_INVALID' ? [view.message] : undefined);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (draft.algorithm === '') return;
    save.mutate({ apiKeyId: apiKey.id, signingKey: { algorithm: draft.algorithm, publicKey: draft.publicKey } });
  }

  return (
    <form className="stack" onSubmit={onSubmit} noValidate aria-label={`Signing key of ${apiKey.name}`}>
      {apiKey.signingPublicKey && (
        <p className="small">
          Current: {apiKey.signingAlgorithm} <code className="mono break">{apiKey.signingPublicKey}</code>. A new key replaces it for approvals from now on; approvals
          already given stay verifiable with the key they were made with.
        </p>
      )}
      <SigningKeyFields value={draft} onChange={setDraft} errors={keyErrors} />
      {save.error && !keyErrors && <ErrorAlert error={save.error} title="Could not save the signing key" />}
      <div className="form-actions">
        <Button type="submit" className="btn-small" busy={save.isPending && save.variables?.signingKey !== null} busyLabel="Saving…">
          Save signing key
        </Button>
        {apiKey.signingPublicKey && (
          <Button variant="ghost" className="btn-small" busy={save.isPending && save.variables?.signingKey === null} onClick={() => save.mutate({ apiKeyId: apiKey.id, signingKey: null })}>
            Remove signing key
          </Button>
        )}
        <Button variant="ghost" className="btn-small" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
