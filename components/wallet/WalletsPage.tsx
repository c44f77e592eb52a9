'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { NETWORK_LABELS, WALLET_STATUS_LABELS } from '@/lib/wallet-constants';
import { useTRPC } from '@/lib/trpc/react';
import { Badge } from '@/components/ui/Badge';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';
import { useMe } from '@/components/shell/AppShell';
import { PageHeader } from '@/components/shell/PageHeader';

const STATUS_TONE = { pending_keys: 'bad', awaiting_keycard: 'warn', active: 'good', archived: 'neutral' } as const;

export function WalletsPage() {
  const trpc = useTRPC();
  const me = useMe();
  const wallets = useQuery(trpc.wallets.list.queryOptions());
  const canCreate = me.role === 'admin' || me.role === 'member';
  return (
    <>
      <PageHeader
        title="Wallets"
        lead="2-of-3 multisig wallets you have a role on."
        actions={
          canCreate ? (
            <Link href="/wallets/new" className="btn btn-primary">
              Create wallet
            </Link>
          ) : undefined
        }
      />
      <section className="card">
        {wallets.error && <ErrorAlert error={wallets.error} title="Could not load wallets" />}
        {wallets.isPending && <p className="muted">Loading wallets…</p>}
        {wallets.data?.length === 0 && <p className="muted">No wallets yet. Wallets you create, or are granted a role on, appear here.</p>}
        {wallets.data && wallets.data.length > 0 && (
          <ul className="list">
            {wallets.data.map((w) => (
              <li key={w.id} className="list-row">
                <div>
                  <Link href={`/wallets/${w.id}`}>
                    <strong>{w.name}</strong>
                  </Link>
                  <div className="muted small">
                    {NETWORK_LABELS[w.network as keyof typeof NETWORK_LABELS] ?? w.network} · created {formatDateTime(w.createdAt)} · your role: {w.myRole}
                  </div>
                </div>
                <Badge tone={STATUS_TONE[w.status]}>{WALLET_STATUS_LABELS[w.status]}</Badge>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
