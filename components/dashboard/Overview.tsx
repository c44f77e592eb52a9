'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/lib/trpc/react';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { useMe } from '@/components/shell/AppShell';
import { PageHeader } from '@/components/shell/PageHeader';

export function Overview() {
  const trpc = useTRPC();
  const me = useMe();
  const overview = useQuery(trpc.org.overview.queryOptions());
  const wallets = useQuery(trpc.wallets.list.queryOptions());

  return (
    <>
      <PageHeader title={`Welcome, ${me.displayName}`} lead={`${me.orgName} on Keystead`} />
      {overview.error && <ErrorAlert error={overview.error} title="Could not load the overview" />}
      <div className="stats" aria-busy={overview.isPending}>
        <Stat label="Active members" value={overview.data?.activeMembers} href="/members" />
        <Stat label="Pending invites" value={overview.data?.pendingInvites} href={me.role === 'admin' ? '/members' : undefined} />
        <Stat label="Your wallets" value={overview.data?.myWallets} />
      </div>
      <section className="card" aria-labelledby="wallets-title">
        <h2 id="wallets-title">Wallets</h2>
        {wallets.error && <ErrorAlert error={wallets.error} title="Could not load wallets" />}
        {wallets.data?.length === 0 && (
          <p className="muted">
            You have no role on any wallet yet. Wallet approvers grant access as approver, initiator or viewer; until then, nobody
            sees a wallet by default.
          </p>
        )}
        {wallets.data && wallets.data.length > 0 && (
          <ul className="list">
            {wallets.data.map((w) => (
              <li key={w.id}>
                <strong>{w.name}</strong> <span className="muted">{w.chain} · {w.network}</span> <span className="badge">{w.myRole}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {me.role === 'admin' && (
        <section className="card" aria-labelledby="next-title">
          <h2 id="next-title">Next steps</h2>
          <ol className="steps">
            <li>
              <Link href="/members">Invite your colleagues</Link> and give each the right role.
            </li>
            <li>
              <Link href="/account">Register a second passkey</Link> so that losing one device does not lock you out.
            </li>
            <li>
              <Link href="/audit">Verify the audit log</Link> to see every security event on record.
            </li>
          </ol>
        </section>
      )}
    </>
  );
}

function Stat({ label, value, href }: { label: string; value: number | undefined; href?: string | undefined }) {
  const body = (
    <>
      <span className="stat-value">{value ?? '–'}</span>
      <span className="stat-label">{label}</span>
    </>
  );
  return href ? (
    <Link href={href} className="stat card">
      {body}
    </Link>
  ) : (
    <div className="stat card">{body}</div>
  );
}
