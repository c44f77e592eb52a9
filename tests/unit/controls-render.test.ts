/**
 * Smoke render (react-dom/server, no browser) of the wallet controls, the groups page and the
 * approvals queue with API answers put in the query cache: each page renders its data without
 * throwing, with the labels people (and the e2e suite) rely on. Interaction is covered by
 * tests/e2e/policy-approvals.spec.ts.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpLink } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { createElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { AppRouter } from '@/server/routers/_app';

const ME = { userId: '00000000-0000-4000-8000-000000000001', displayName: 'Ada', email: 'ada@example.com', orgName: 'Org', role: 'admin' as const };
vi.mock('@/components/shell/AppShell', () => ({ useMe: () => ME }));
vi.mock('next/link', () => ({ default: ({ href, children, ...rest }: { href: string; children: ReactNode }) => createElement('a', { href, ...rest }, children) }));

const { TRPCProvider } = await import('@/lib/trpc/react');
const { ControlsPage } = await import('@/components/controls/ControlsPage');
const { PolicyTab } = await import('@/components/controls/PolicyTab');
const { PolicyEditor } = await import('@/components/controls/PolicyEditor');
const { ChangeRequestsTab } = await import('@/components/controls/ChangeRequestsTab');
const { WhitelistTab } = await import('@/components/controls/WhitelistTab');
const { MembersTab } = await import('@/components/controls/MembersTab');
const { GovernanceDecidePanel } = await import('@/components/controls/GovernanceDecidePanel');
const { ApprovalsPage } = await import('@/components/approvals/ApprovalsPage');
const { GroupsPage } = await import('@/components/groups/GroupsPage');

const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const W = id(100);
const BOB = id(2);
const GROUP = id(300);
const KEY = id(400);
const REQ = id(500);
const NOW = new Date().toISOString();
const LATER = new Date(Date.now() + 5 * 3600_000).toISOString();

const document = {
  schema: 'keystead.policy/1',
  allowSelfApproval: false,
  whitelist: { mode: 'required' },
  quorums: {
    default: { kind: 'wallet_approvers', k: 2 },
    large: { kind: 'and', label: 'Large', children: [{ kind: 'group', groupId: GROUP, k: 1 }, { kind: 'threshold', k: 1, children: [{ kind: 'user', userId: BOB }, { kind: 'api_key', apiKeyId: KEY }] }] },
  },
  rules: [
    { id: 'large-payments', when: { amountAbove: '150000000' }, action: { type: 'require', quorum: 'large' } },
    { id: 'daily', when: { velocity: { windowHours: 24, scope: 'wallet', maxAmount: '500000000' } }, action: { type: 'deny' } },
    { id: 'night', when: { outsideHours: { timeZone: 'Europe/Zurich', days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' } }, action: { type: 'deny' } },
    { id: 'bots', when: { initiatorIn: [{ kind: 'api_key', id: KEY }] }, action: { type: 'allow' } },
  ],
  defaultAction: { type: 'require', quorum: 'default' },
};
const directory = {
  users: [
    { id: ME.userId, name: 'Ada' },
    { id: BOB, name: 'Bob' },
  ],
  apiKeys: [{ id: KEY, name: 'Build server' }],
  groups: [{ id: GROUP, name: 'Operations managers', size: 2 }],
  walletApprovers: [ME.userId, BOB],
};
const tree = { text: '2 of wallet approvers', satisfied: false, have: 1, need: 2, approvedBy: ['Bob'], children: [] };
const governance = {
  id: REQ,
  walletId: W,
  kind: 'whitelist_add' as const,
  state: 'pending_approval' as const,
  payload: { address: 'bcrt1qexampleexampleexampleexampleexample0', label: 'Exchange', coolingOffHours: 24 },
  initiatorId: BOB,
  policyVersion: 2,
  createdAt: NOW,
  expiresAt: LATER,
  decidedAt: null,
  summary: 'Whitelist bcrt1qexample… as “Exchange” (usable 24 h after approval)',
};

function render(element: ReactNode): string {
  const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  const trpcClient = createTRPCClient<AppRouter>({ links: [httpLink({ url: 'http://localhost/api/trpc' })] });
  const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
  queryClient.setQueryData(trpc.wallets.get.queryKey({ walletId: W }), { id: W, name: 'Treasury', chain: 'bitcoin', network: 'regtest', status: 'active', threshold: 2, descriptor: null, createdAt: NOW, keycardConfirmedAt: NOW, myRole: 'approver', keys: [] });
  queryClient.setQueryData(trpc.policies.get.queryKey({ walletId: W }), {
    active: { version: 2, hash: 'ab'.repeat(32), document, description: ['Whitelist: required', 'Self-approval: not allowed', "Quorum 'default': 2 of wallet approvers"] },
    versions: [
      { version: 1, state: 'superseded', hash: 'cd'.repeat(32), createdAt: NOW, activatedAt: NOW },
      { version: 2, state: 'active', hash: 'ab'.repeat(32), createdAt: NOW, activatedAt: NOW },
    ],
    directory,
  });
  queryClient.setQueryData(trpc.governance.list.queryKey({ walletId: W }), [governance, { ...governance, id: id(501), kind: 'member_change', state: 'applied', payload: { userId: BOB, name: 'Bob', from: null, to: 'approver' }, summary: 'Make Bob an approver', decidedAt: NOW }]);
  queryClient.setQueryData(trpc.governance.get.queryKey({ walletId: W, requestId: REQ }), { ...governance, approval: { tree, missing: ['needs 1 more approval from wallet approvers (have 1 of 2)'], decisions: [{ name: 'Bob', principalKind: 'user', decision: 'approve', at: NOW }], eligible: true, myDecision: null } });
  queryClient.setQueryData(trpc.whitelist.list.queryKey({ walletId: W }), [
    { id: id(600), address: 'bcrt1qcoolingcoolingcoolingcoolingcooling0', label: 'Supplier', state: 'active', usableFrom: LATER, createdAt: NOW },
    { id: id(601), address: 'bcrt1qreadyreadyreadyreadyreadyreadyready0', label: 'Payroll', state: 'active', usableFrom: NOW, createdAt: NOW },
  ]);
  queryClient.setQueryData(trpc.walletMembers.list.queryKey({ walletId: W }), {
    people: [
      { userId: ME.userId, name: 'Ada', email: 'ada@example.com', role: 'approver' },
      { userId: BOB, name: 'Bob', email: 'bob@example.com', role: 'viewer' },
    ],
    apiKeys: [{ apiKeyId: KEY, name: 'Build server', role: 'initiator' }],
  });
  queryClient.setQueryData(trpc.members.list.queryKey(), [
    { userId: ME.userId, email: 'ada@example.com', displayName: 'Ada', role: 'admin', status: 'active', joinedAt: NOW, passkeyCount: 1 },
    { userId: BOB, email: 'bob@example.com', displayName: 'Bob', role: 'member', status: 'active', joinedAt: NOW, passkeyCount: 1 },
    { userId: id(3), email: 'cleo@example.com', displayName: 'Cleo', role: 'member', status: 'active', joinedAt: NOW, passkeyCount: 1 },
  ]);
  queryClient.setQueryData(trpc.approvals.queue.queryKey(), {
    items: [
      { kind: 'transfer', id: id(700), walletId: W, walletName: 'Treasury', summary: 'Send 0.015 BTC to bcrt1q…', governanceKind: null, outputs: [{ address: 'bcrt1qdest', valueSats: '1500000' }], feeSats: '450', initiatorName: 'Bob', missing: ['needs 2 more approvals'], decisionCount: 0, policyVersion: 2, createdAt: NOW, expiresAt: LATER },
      { kind: 'governance', id: REQ, walletId: W, walletName: 'Treasury', summary: governance.summary, governanceKind: 'whitelist_add', outputs: [], feeSats: null, initiatorName: 'Bob', missing: ['needs 1 more approval'], decisionCount: 1, policyVersion: 2, createdAt: NOW, expiresAt: LATER },
    ],
  });
  queryClient.setQueryData(trpc.groups.list.queryKey(), [{ id: GROUP, name: 'Operations managers', description: 'Ops', members: [{ kind: 'user', id: BOB }, { kind: 'api_key', id: KEY }, { kind: 'group', id: id(301) }] }]);
  queryClient.setQueryData(trpc.apiKeys.list.queryKey(), [
    { id: KEY, name: 'Build server', prefix: 'ks_x', scopes: [], status: 'active', signingAlgorithm: null, signingPublicKey: null, createdAt: NOW, createdByName: 'Ada', expiresAt: LATER, revokedAt: null, lastUsedAt: null, wallets: [] },
  ]);
  return renderToStaticMarkup(createElement(QueryClientProvider, { client: queryClient }, createElement(TRPCProvider, { trpcClient, queryClient, children: element })));
}

describe('wallet controls render their data', () => {
  it('the controls page with its tabs', () => {
    const html = render(createElement(ControlsPage, { walletId: W, initialTab: 'policy', initialRequest: null }));
    expect(html).toContain('Treasury: controls');
    for (const tab of ['Policy', 'Change requests', 'Whitelist', 'Members']) expect(html).toMatch(new RegExp(`role="tab"[^>]*>${tab}`));
    expect(html).toContain('Policy in force: version 2');
  });

  it('the policy tab: description, quorum trees with names, version history', () => {
    const html = render(createElement(PolicyTab, { walletId: W, canEdit: true, openRequest: () => undefined }));
    expect(html).toContain('Self-approval: not allowed');
    expect(html).toContain('2 of the wallet approvers (2 now: Ada, Bob)');
    expect(html).toContain('Large: all of');
    expect(html).toContain('1 of group Operations managers');
    expect(html).toContain('Build server (API key)');
    expect(html).toContain('Superseded');
    expect(html).toContain('Propose a new version');
  });

  it('the policy editor shows the active document in the form, amounts in BTC', () => {
    const html = render(createElement(PolicyEditor, { walletId: W, active: document, activeVersion: 2, nextVersion: 3, directory, onProposed: () => undefined, onCancel: () => undefined }));
    expect(html).toContain('Propose version 3');
    expect(html).toMatch(/<input[^>]*checked=""[^>]*>.*?Only whitelisted destinations/s);
    expect(html).toContain('value="1.5"'); // 150000000 sats
    expect(html).toContain('value="5"'); // 500000000 sats
    expect(html).toContain('value="Europe/Zurich"');
    expect(html).toContain('Quorum “default”');
    expect(html).toContain('Quorum “large”');
    expect(html).toContain('Condition 2.1');
    expect(html).toContain('Advanced (JSON)');
    expect(html).toContain('Add rule: amount above a limit');
  });

  it('the change requests tab and its decide panel', () => {
    const html = render(createElement(ChangeRequestsTab, { walletId: W, openId: REQ, setOpenId: () => undefined }));
    expect(html).toContain('Waiting for approval (1)');
    expect(html).toContain('Past requests');
    expect(html).toContain('Make Bob an approver');
    expect(html).toContain('Approve with passkey');
    expect(html).toContain('needs 1 more approval from wallet approvers (have 1 of 2)');
    expect(html).toContain('usable 24 h after approval');
  });

  it('the decide panel shows the change and, to an eligible approver, the passkey buttons', () => {
    const html = render(createElement(GovernanceDecidePanel, { walletId: W, requestId: REQ, onDone: () => undefined }));
    expect(html).toContain('Approve with passkey');
    expect(html).toContain('Proposed by');
  });

  it('the whitelist: cooling-off countdown, copy buttons, proposal form', () => {
    const html = render(createElement(WhitelistTab, { walletId: W, canEdit: true, openRequest: () => undefined }));
    expect(html).toMatch(/Cooling off: usable in (4 h 59 min|5 h)/);
    expect(html).toContain('Usable since');
    expect(html).toContain('Copy address');
    expect(html).toContain('Propose addition');
    expect(html).toContain('Proposed, waiting for approval');
  });

  it('the members: roles, API keys, and the people who can be added', () => {
    const html = render(createElement(MembersTab, { walletId: W, canEdit: true, openRequest: () => undefined }));
    expect(html).toContain('Wallet role of Bob');
    expect(html).toContain('Build server');
    expect(html).toContain('Cleo (cleo@example.com)');
    expect(html).not.toContain('Bob (bob@example.com)');
  });
});

describe('approvals queue and groups render', () => {
  it('the queue lists transfers with amounts and change requests with what is missing', () => {
    const html = render(createElement(ApprovalsPage));
    expect(html).toContain('Waiting for you (2)');
    expect(html).toContain('0.015 BTC');
    expect(html).toContain('Still missing:');
    expect(html).toContain(`/wallets/${W}/controls?tab=requests&amp;request=${REQ}`);
    expect(html.match(/Review and decide/g)).toHaveLength(2);
  });

  it('the groups page lists members by name for an admin', () => {
    const html = render(createElement(GroupsPage));
    expect(html).toContain('Operations managers');
    expect(html).toContain('API key Build server');
    expect(html).toContain('Group (deleted)');
    expect(html).toContain('New group');
  });
});
