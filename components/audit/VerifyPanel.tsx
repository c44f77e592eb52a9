'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';

const REASONS = {
  hash_mismatch: 'its content no longer matches its recorded hash (the entry was altered)',
  broken_link: 'it does not point to the hash of the entry before it (entries were altered, removed or inserted)',
  sequence_gap: 'the sequence numbers skip (entries were removed)',
} as const;

export function VerifyPanel({ onVerified }: { onVerified?: () => void }) {
  const trpc = useTRPC();
  const verify = useQuery({ ...trpc.audit.verify.queryOptions(), enabled: false, retry: false, gcTime: 0 });
  const result = verify.data;
  return (
    <section className="card verify" aria-labelledby="verify-title">
      <div className="verify-head">
        <div>
          <h2 id="verify-title">Chain verification</h2>
          <p className="muted small">Recomputes every entry's SHA-256 hash and its link to the previous entry.</p>
        </div>
        <Button
          onClick={async () => {
            await verify.refetch();
            onVerified?.();
          }}
          busy={verify.isFetching}
          busyLabel="Verifying…"
        >
          Verify chain
        </Button>
      </div>
      {verify.error && <ErrorAlert error={verify.error} title="Verification could not run" />}
      {result?.ok === true && !verify.isFetching && (
        <Alert tone="success" title="Chain intact">
          All {result.checked} entries verified. Head hash <code className="mono break">{result.headHash}</code>
        </Alert>
      )}
      {result?.ok === false && !verify.isFetching && (
        <Alert tone="error" title={`Chain broken at entry #${result.failedSeq}`}>
          Entry #{result.failedSeq} fails verification: {REASONS[result.reason]}. {result.checked} earlier entries are intact. Preserve
          the database as it is and contact your security team.
        </Alert>
      )}
    </section>
  );
}
