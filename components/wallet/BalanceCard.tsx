'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatSats } from '@/lib/bitcoin/amount';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';

/** Balances refresh on their own every 15 s; "Refresh now" syncs with the node at once. */
export function BalanceCard({ walletId, network, myRole }: { walletId: string; network: string; myRole: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const balance = useQuery({ ...trpc.wallets.balance.queryOptions({ walletId }), refetchInterval: 15_000 });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.wallets.pathKey() });
  const sync = useMutation(trpc.wallets.sync.mutationOptions({ onSuccess: refresh }));
  const faucet = useMutation(trpc.wallets.faucet.mutationOptions({ onSuccess: refresh }));
  const b = balance.data;
  return (
    <section className="card" aria-labelledby="balance-title">
      <div className="verify-head">
        <h2 id="balance-title">Balance</h2>
        <div className="page-actions">
          {network === 'regtest' && myRole !== 'viewer' && (
            <Button variant="secondary" className="btn-small" onClick={() => faucet.mutate({ walletId })} busy={faucet.isPending} busyLabel="Mining…">
              Get test coins (regtest faucet)
            </Button>
          )}
          <Button variant="secondary" className="btn-small" onClick={() => sync.mutate({ walletId })} busy={sync.isPending} busyLabel="Syncing…">
            Refresh now
          </Button>
        </div>
      </div>
      {balance.error && <ErrorAlert error={balance.error} title="Could not load the balance" />}
      {sync.error && <ErrorAlert error={sync.error} title="Sync failed" />}
      {faucet.error && <ErrorAlert error={faucet.error} title="Faucet failed" />}
      {b && (
        <>
          <div className="balances">
            <div>
              <div className="stat-label">Confirmed</div>
              <div className="amount-big mono" data-testid="balance-confirmed">
                {formatSats(BigInt(b.confirmedSats), 'BTC')}
              </div>
            </div>
            <div>
              <div className="stat-label">Unconfirmed</div>
              <div className="amount mono" data-testid="balance-unconfirmed">
                {formatSats(BigInt(b.unconfirmedSats), 'BTC')}
              </div>
            </div>
            {b.immatureSats !== '0' && (
              <div>
                <div className="stat-label">Immature (mined)</div>
                <div className="amount mono">{formatSats(BigInt(b.immatureSats), 'BTC')}</div>
              </div>
            )}
          </div>
          <p className="muted small">
            {b.lastSyncedAt ? `Synced ${formatDateTime(b.lastSyncedAt)} at block ${b.tipHeight}` : 'Not synced yet.'} · {b.utxoCount} unspent output
            {b.utxoCount === 1 ? '' : 's'}
          </p>
          {b.lastError && <Alert tone="warning" title="Last sync failed">{b.lastError}. The figures above may be out of date; Keystead retries automatically.</Alert>}
        </>
      )}
    </section>
  );
}
