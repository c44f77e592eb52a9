'use client';
/**
 * A wallet's controls: the policy (in words, as quorum trees, its versions and an editor for a
 * new version), the change requests waiting for the quorum, the whitelist and the members.
 * The tab and an open change request are kept in the URL (?tab=requests&request=…), so the
 * approvals queue and notifications can link straight to a request.
 */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRef, useState, type KeyboardEvent } from 'react';
import { useTRPC } from '@/lib/trpc/react';
import { Badge } from '@/components/ui/Badge';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { PageHeader } from '@/components/shell/PageHeader';
import { ChangeRequestsTab } from './ChangeRequestsTab';
import { WALLET_ROLE_LABELS } from './labels';
import { MembersTab } from './MembersTab';
import { PolicyTab } from './PolicyTab';
import { CONTROL_TABS, TAB_LABELS, type ControlTab } from './tabs';
import { WhitelistTab } from './WhitelistTab';


export function ControlsPage({ walletId, initialTab, initialRequest }: { walletId: string; initialTab: ControlTab; initialRequest: string | null }) {
  const trpc = useTRPC();
  const wallet = useQuery(trpc.wallets.get.queryOptions({ walletId }));
  const changes = useQuery({ ...trpc.governance.list.queryOptions({ walletId }), refetchInterval: 15_000 });
  const [tab, setTabState] = useState<ControlTab>(initialRequest ? 'requests' : initialTab);
  const [openId, setOpenIdState] = useState<string | null>(initialRequest);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  function syncUrl(nextTab: ControlTab, request: string | null) {
    const params = new URLSearchParams();
    if (nextTab !== 'policy') params.set('tab', nextTab);
    if (request) params.set('request', request);
    const qs = params.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${qs ? `?${qs}` : ''}`);
  }
  function setTab(next: ControlTab) {
    setTabState(next);
    syncUrl(next, next === 'requests' ? openId : null);
  }
  function setOpenId(id: string | null) {
    setOpenIdState(id);
    syncUrl('requests', id);
  }
  function openRequest(id: string) {
    setOpenIdState(id);
    setTabState('requests');
    syncUrl('requests', id);
    window.scrollTo({ top: 0 });
  }

  /** Arrow keys move between tabs (WAI-ARIA tabs pattern, automatic activation). */
  function onTabKey(e: KeyboardEvent<HTMLButtonElement>) {
    const i = CONTROL_TABS.indexOf(tab);
    const next = e.key === 'ArrowRight' ? (i + 1) % CONTROL_TABS.length : e.key === 'ArrowLeft' ? (i - 1 + CONTROL_TABS.length) % CONTROL_TABS.length : e.key === 'Home' ? 0 : e.key === 'End' ? CONTROL_TABS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    setTab(CONTROL_TABS[next]!);
    tabRefs.current[CONTROL_TABS[next]!]?.focus();
  }

  if (wallet.error) return <ErrorAlert error={wallet.error} title="Could not load this wallet" />;
  if (!wallet.data) return <p className="muted">Loading wallet…</p>;
  const w = wallet.data;
  const canEdit = w.myRole === 'approver';
  const pendingCount = (changes.data ?? []).filter((c) => c.state === 'pending_approval').length;

  return (
    <>
      <PageHeader
        title={`${w.name}: controls`}
        lead={
          <>
            Policy, change requests, whitelist and members. Your role on this wallet: <strong>{WALLET_ROLE_LABELS[w.myRole].label}</strong>.{' '}
            <Link href={`/wallets/${w.id}`}>Back to the wallet</Link>
          </>
        }
      />
      <div className="tabs" role="tablist" aria-label="Wallet controls">
        {CONTROL_TABS.map((t) => (
          <button
            key={t}
            ref={(el) => {
              tabRefs.current[t] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t}`}
            aria-selected={tab === t}
            aria-controls={tab === t ? `panel-${t}` : undefined}
            tabIndex={tab === t ? 0 : -1}
            className="tab"
            onClick={() => setTab(t)}
            onKeyDown={onTabKey}
          >
            {TAB_LABELS[t]}
            {t === 'requests' && pendingCount > 0 && (
              <>
                {' '}
                <Badge tone="warn">{pendingCount}</Badge>
                <span className="visually-hidden"> waiting</span>
              </>
            )}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
        {tab === 'policy' && <PolicyTab walletId={w.id} canEdit={canEdit} openRequest={openRequest} />}
        {tab === 'requests' && <ChangeRequestsTab walletId={w.id} openId={openId} setOpenId={setOpenId} />}
        {tab === 'whitelist' && <WhitelistTab walletId={w.id} canEdit={canEdit} openRequest={openRequest} />}
        {tab === 'members' && <MembersTab walletId={w.id} canEdit={canEdit} openRequest={openRequest} />}
      </div>
    </>
  );
}
