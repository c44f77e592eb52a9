'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { NETWORK_LABELS, WALLET_STATUS_LABELS } from '@/lib/wallet-constants';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { CopyButton } from '@/components/ui/CopyButton';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';
import { ExportCard } from './ExportCard';
import { PageHeader } from '@/components/shell/PageHeader';
import { ConfirmKeycardForm } from './ConfirmKeycardForm';
import { BalanceCard } from './BalanceCard';
import { ReceiveCard } from './ReceiveCard';
import { SendCard } from './SendCard';
import { TransfersCard } from './TransfersCard';
import { TransactionsCard } from './TransactionsCard';

const KEY_LABELS = { user: 'Key #1 · user key (encrypted copy on the server)', backup: 'Key #2 · backup key (only on the key card)', cosigner: 'Key #3 · co-signer key (HSM)' } as const;

export function WalletPage({ walletId }: { walletId: string }) {
  const trpc = useTRPC();
  const wallet = useQuery(trpc.wallets.get.queryOptions({ walletId }));
  if (wallet.error) return <ErrorAlert error={wallet.error} title="Could not load this wallet" />;
  if (!wallet.data) return <p className="muted">Loading wallet…</p>;
  const w = wallet.data;
  return (
    <>
      <PageHeader
        title={w.name}
        lead={`${NETWORK_LABELS[w.network]} · 2-of-3 multisig (P2WSH) · created ${formatDateTime(w.createdAt)}`}
        actions={
          <>
            <Badge tone={w.status === 'active' ? 'good' : 'warn'}>{WALLET_STATUS_LABELS[w.status]}</Badge>
            <Link className="btn btn-secondary btn-small" href={`/wallets/${w.id}/controls`}>
              Policy &amp; controls
            </Link>
          </>
        }
      />
      {w.status === 'pending_keys' && (
        <Alert tone="warning" title="Setup was not finished">
          The browser that started this wallet did not register its keys. No funds can reach it. Create a new wallet instead.
        </Alert>
      )}
      {w.status === 'awaiting_keycard' && w.myRole === 'approver' && <ConfirmKeycardForm walletId={w.id} />}
      {w.status === 'active' && <BalanceCard walletId={w.id} network={w.network} myRole={w.myRole} />}
      {w.status === 'active' && w.myRole !== 'viewer' && <SendCard walletId={w.id} network={w.network} />}
      {w.status === 'active' && <TransfersCard walletId={w.id} network={w.network} myRole={w.myRole} keys={w.keys} />}
      {w.status === 'active' && <ReceiveCard wallet={w} />}
      {w.status === 'active' && <TransactionsCard walletId={w.id} />}
      {w.descriptor && (
        <section className="card" aria-labelledby="descriptor-title">
          <h2 id="descriptor-title">Output descriptor</h2>
          <p className="muted small">The wallet’s spending rule (BIP380). Any descriptor-aware wallet can watch or, with two keys, spend from it.</p>
          <div className="copy-row">
            <code className="mono break small" data-testid="descriptor">
              {w.descriptor}
            </code>
            <CopyButton value={w.descriptor} label="Copy descriptor" />
          </div>
        </section>
      )}
      {w.status === 'active' && <ExportCard walletId={w.id} walletName={w.name} />}
      <section className="card" aria-labelledby="keys-title">
        <h2 id="keys-title">Keys</h2>
        <ul className="list">
          {w.keys.map((k) => (
            <li key={k.role}>
              <strong>{KEY_LABELS[k.role]}</strong>
              <div className="small muted">
                fingerprint <code className="mono">{k.fingerprint}</code> · path <code className="mono">{k.path}</code>
              </div>
              <code className="mono break small">{k.xpub}</code>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
