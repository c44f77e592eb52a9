'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { createContext, useContext, useState, type ReactNode } from 'react';
import { ORG_ROLE_LABELS, type OrgRole } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc/react';
import { ApprovalsCount } from './ApprovalsCount';
import { Logo } from './Logo';
import { NotificationBell } from './NotificationBell';

export interface Me {
  userId: string;
  displayName: string;
  email: string;
  orgName: string;
  role: OrgRole;
}

const MeContext = createContext<Me | null>(null);
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside AppShell');
  return me;
}

const NAV: { href: string; label: string; roles?: OrgRole[] }[] = [
  { href: '/dashboard', label: 'Overview' },
  { href: '/wallets', label: 'Wallets' },
  { href: '/approvals', label: 'Approvals' },
  { href: '/members', label: 'Members' },
  { href: '/audit', label: 'Audit log', roles: ['admin', 'auditor'] },
  { href: '/settings/groups', label: 'Groups', roles: ['admin'] },
  { href: '/settings/webhooks', label: 'Webhooks', roles: ['admin'] },
  { href: '/settings/api-keys', label: 'API keys', roles: ['admin'] },
  { href: '/settings/recovery', label: 'Password recovery', roles: ['admin'] },
  { href: '/account', label: 'Account & passkeys' },
];

export function AppShell({ me, children }: { me: Me; children: ReactNode }) {
  const pathname = usePathname();
  const router = useRouter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [menuOpen, setMenuOpen] = useState(false);
  const signout = useMutation(
    trpc.auth.signout.mutationOptions({
      onSettled: () => {
        queryClient.clear();
        router.replace('/signin');
        router.refresh();
      },
    }),
  );
  const items = NAV.filter((item) => !item.roles || item.roles.includes(me.role));

  return (
    <MeContext.Provider value={me}>
      <div className="shell">
        <header className="topbar">
          <Link href="/dashboard" className="topbar-brand">
            <Logo />
          </Link>
          <span className="topbar-org" title="Organisation">
            {me.orgName}
          </span>
          <button type="button" className="btn btn-ghost menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
            Menu
          </button>
          <div className="topbar-user">
            <span className="topbar-name">{me.displayName}</span>
            <span className="badge badge-accent">{ORG_ROLE_LABELS[me.role].label}</span>
            <NotificationBell />
            <button type="button" className="btn btn-secondary btn-small" onClick={() => signout.mutate({})} disabled={signout.isPending}>
              Sign out
            </button>
          </div>
        </header>
        <nav id="main-nav" className={`sidenav${menuOpen ? ' open' : ''}`} aria-label="Main">
          <ul>
            {items.map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={pathname === item.href || pathname.startsWith(`${item.href}/`) ? 'page' : undefined} onClick={() => setMenuOpen(false)}>
                  {item.label}
                  {item.href === '/approvals' && <ApprovalsCount />}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main className="content" id="content">
          {children}
        </main>
      </div>
    </MeContext.Provider>
  );
}
