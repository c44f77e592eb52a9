'use client';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { useQuery } from '@tanstack/react-query';
import { canonicalJson } from '@/lib/audit/canonical-json';
import { useTRPC } from '@/lib/trpc/react';
import { ErrorAlert } from '@/components/ui/ErrorAlert';

/**
 * What a proposed policy version says, for the approvers deciding on it. This browser hashes the
 * document it shows and compares it with the hash the approval signs, so what is read is what is
 * approved.
 */
export function ProposedPolicy({ walletId, version, documentHash }: { walletId: string; version: number; documentHash: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.policies.version.queryOptions({ walletId, version }));
  if (q.error) return <ErrorAlert error={q.error} title="Could not load the proposed policy" />;
  if (!q.data) return <p className="muted small">Loading the proposed policy…</p>;
  const computed = bytesToHex(sha256(utf8ToBytes(canonicalJson(q.data.document))));
  const matches = computed === documentHash;
  return (
    <section aria-label={`Proposed policy version ${version}`} className="stack">
      <h4>What version {version} says</h4>
      <ul className="small" data-testid="proposed-policy">
        {q.data.description.map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ul>
      <p className={`small ${matches ? 'muted' : 'field-error'}`} role={matches ? undefined : 'alert'}>
        {matches
          ? '✓ Your browser hashed this document: it is exactly the version you are asked to approve.'
          : 'The document shown does not hash to the version being approved. Do not approve; reload and report this.'}
      </p>
      <details>
        <summary className="small">The exact document (JSON)</summary>
        <pre className="mono small wrap-anywhere">{JSON.stringify(q.data.document, null, 2)}</pre>
      </details>
    </section>
  );
}
