'use client';
import { useQuery } from '@tanstack/react-query';
import { formatSats } from '@/lib/bitcoin/amount';
import { useTRPC } from '@/lib/trpc/react';
import { Badge } from '@/components/ui/Badge';
import { CopyButton } from '@/components/ui/CopyButton';
import { ErrorAlert } from '@/components/ui/ErrorAlert';

const DIRECTION = { incoming: 'Received', outgoing: 'Sent', self: 'To self' } as const;

export function TransactionsCard({ walletId }: { walletId: string }) {
  const trpc = useTRPC();
  const txs = useQuery({ ...trpc.wallets.transactions.queryOptions({ walletId }), refetchInterval: 15_000 });
  return (
    <section className="card" aria-labelledby="tx-title">
      <h2 id="tx-title">Transactions</h2>
      {txs.error && <ErrorAlert error={txs.error} title="Could not load transactions" />}
      {txs.data?.length === 0 && <p className="muted">No transactions yet.</p>}
      {txs.data && txs.data.length > 0 && (
        <div className="table-wrap">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Amount</th>
                <th scope="col">Status</th>
                <th scope="col">Transaction</th>
              </tr>
            </thead>
            <tbody>
              {txs.data.map((t) => (
                <tr key={t.txid} data-testid="tx-row">
                  <td data-label="Type">{DIRECTION[t.direction]}</td>
                  <td data-label="Amount" className={`mono ${t.netSats.startsWith('-') ? 'neg' : 'pos'}`}>
                    {t.netSats.startsWith('-') ? '−' : '+'}
                    {formatSats(BigInt(t.netSats.replace('-', '')), 'BTC')}
                    {t.feeSats && <div className="muted small">fee {formatSats(BigInt(t.feeSats), 'sat')}</div>}
                  </td>
                  <td data-label="Status">
                    {t.confirmations === 0 ? <Badge tone="warn">Unconfirmed</Badge> : <Badge tone="good">{t.confirmations} confirmation{t.confirmations === 1 ? '' : 's'}</Badge>}
                  </td>
                  <td data-label="Transaction">
                    <span className="copy-inline">
                      <code className="mono small" title={t.txid}>
                        {t.txid.slice(0, 10)}…{t.txid.slice(-6)}
                      </code>
                      <CopyButton value={t.txid} label="Copy txid" />
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
