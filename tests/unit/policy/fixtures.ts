/** Shared fixtures for the policy engine tests (server/policy/). Not a test file itself. */
import {
  defaultPolicy,
  type DirectoryGroup,
  type HistoryEntry,
  type PolicyDirectory,
  type PolicyDocument,
  type PolicyRequest,
  type Principal,
  type QuorumNode,
  type WhitelistEntry,
} from '@/server/policy';

export const uid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export const U = {
  alice: uid(1), // operations manager
  bob: uid(2), // operations manager
  carol: uid(3), // operations manager
  dana: uid(4), // department head
  erin: uid(5), // treasury staff, usual initiator
  frank: uid(6), // wallet approver only
};
export const K = { build: uid(101), deploy: uid(102), rogue: uid(103) };
export const G = { ops: uid(201), api: uid(202), treasury: uid(203), empty: uid(204), cycA: uid(205), cycB: uid(206), cycC: uid(207) };

export const user = (id: string): Principal => ({ kind: 'user', id });
export const key = (id: string): Principal => ({ kind: 'api_key', id });

export const ADDR = {
  supplier: 'bcrt1qsupplier000000000000000000000000000000',
  exchange: 'bcrt1qexchange000000000000000000000000000000',
  fresh: 'bcrt1qfreshlyadded00000000000000000000000000',
  unknown: 'bcrt1qunknown0000000000000000000000000000000',
  change: 'bcrt1qchange00000000000000000000000000000000',
};

export const NOW = new Date('2026-03-04T12:00:00.000Z'); // a Wednesday
export const HOUR = 3_600_000;

export function makeDirectory(overrides: Partial<PolicyDirectory> = {}): PolicyDirectory {
  const groups = new Map<string, DirectoryGroup>([
    [G.ops, { name: 'Operations managers', members: [user(U.alice), user(U.bob), user(U.carol)] }],
    [G.api, { name: 'API servers', members: [key(K.build), key(K.deploy)] }],
    [G.treasury, { name: 'Treasury', members: [{ kind: 'group', id: G.ops }, user(U.dana), user(U.alice)] }],
    [G.empty, { name: 'Nobody', members: [] }],
  ]);
  const whitelist = new Map<string, WhitelistEntry>([
    [ADDR.supplier, { label: 'Supplier AG', usableFrom: new Date('2026-01-01T00:00:00Z') }],
    [ADDR.exchange, { label: 'Exchange', usableFrom: new Date('2026-02-01T00:00:00Z') }],
    [ADDR.fresh, { label: 'New supplier', usableFrom: new Date(NOW.getTime() + 24 * HOUR) }],
  ]);
  return {
    users: new Map([
      [U.alice, { name: 'Alice' }],
      [U.bob, { name: 'Bob' }],
      [U.carol, { name: 'Carol' }],
      [U.dana, { name: 'Dana' }],
      [U.erin, { name: 'Erin' }],
      [U.frank, { name: 'Frank' }],
    ]),
    apiKeys: new Map([
      [K.build, { name: 'build-server' }],
      [K.deploy, { name: 'deploy-server' }],
    ]),
    walletApprovers: [U.alice, U.dana, U.frank],
    groups,
    whitelist,
    ...overrides,
  };
}

export function makeRequest(overrides: Partial<PolicyRequest> & { amount?: bigint; to?: string } = {}): PolicyRequest {
  const { amount = 50_000_000n, to = ADDR.supplier, ...rest } = overrides;
  return {
    requestId: 'req-1',
    walletId: 'wallet-1',
    initiator: user(U.erin),
    outputs: [
      { address: to, amount, isChange: false },
      { address: ADDR.change, amount: 7_000_000_000n, isChange: true },
    ],
    feeCap: 10_000n,
    createdAt: NOW,
    ...rest,
  };
}

/** A policy = defaultPolicy() plus the given fields. */
export function makePolicy(overrides: Partial<PolicyDocument> = {}): PolicyDocument {
  return { ...defaultPolicy(), ...overrides };
}

/** Sorted history: `count` entries of `amount`, `hoursAgo(i)` before NOW, by `initiator`. */
export function makeHistory(
  entries: Array<{ hoursAgo: number; amount: bigint; initiator?: Principal; requestId?: string }>,
): HistoryEntry[] {
  return entries
    .map((e) => ({
      initiator: e.initiator ?? user(U.erin),
      amount: e.amount,
      at: new Date(NOW.getTime() - e.hoursAgo * HOUR),
      ...(e.requestId ? { requestId: e.requestId } : {}),
    }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The hierarchical quorum: 2 of 3 operations managers AND 1 of 2 API servers AND the department head. */
export const HIERARCHY: QuorumNode = {
  kind: 'and',
  label: 'Board payment',
  children: [
    { kind: 'group', groupId: G.ops, k: 2 },
    { kind: 'threshold', label: 'API servers', k: 1, children: [{ kind: 'api_key', apiKeyId: K.build }, { kind: 'api_key', apiKeyId: K.deploy }] },
    { kind: 'user', label: 'Department head', userId: U.dana },
  ],
};
