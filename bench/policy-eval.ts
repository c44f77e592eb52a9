/**
 * Policy evaluation latency: `npx tsx bench/policy-eval.ts` (or `bash bench/run.sh policy`).
 * Options: --iterations=N (measured evaluations per case, default 3000), --seed=N.
 *
 * A wallet with 10,000 whitelist entries (whitelist required), 50 rules of every type (18 with a
 * velocity condition, windows 1 h … 90 days, wallet and initiator scope) and a 90-day history of
 * 100,000 transactions (one object per row with its own id strings, as the database service builds
 * them). Requests vary per iteration (amount, initiator, 1–3 destinations, ~3 % not whitelisted,
 * clock within the last day of the history). Cases (A)–(E) are measured round-robin in one loop so
 * that machine load hits them alike; (F) runs afterwards (its garbage would land in the others'
 * samples):
 *   (A) full:          the wallet above, history as a sorted array (what the service passes)
 *   (B) baseline:      same directory and requests, no rules (defaultPolicy + whitelist required), empty history
 *   (C) rules, no history: the 50 rules with an empty history (what the history pass costs ≈ A − C)
 *   (D) full, policy hash precomputed (options.policyHash; what hashing the document costs ≈ A − D)
 *   (E) full, history pre-indexed: indexHistory(history) built once outside the timing
 *       (for a caller that keeps a wallet's history in memory)
 *   (F) full, history not sorted: shuffled once (the engine's sort-a-copy fallback)
 * Also timed once: validatePolicy of the 50-rule document, and evaluateQuorum of a hierarchical quorum.
 * p50 / p99 / max per case, ratio to (B). Every sample goes to bench/out/policy-eval.json.
 * Figures only; nothing is asserted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatSats } from '@/lib/bitcoin/amount';
import {
  defaultPolicy,
  evaluatePolicy,
  evaluateQuorum,
  indexHistory,
  policyHash,
  validatePolicy,
  type DirectoryGroup,
  type GroupMember,
  type HistoryEntry,
  type PolicyDirectory,
  type PolicyDocument,
  type PolicyRequest,
  type PolicyRule,
  type Principal,
  type QuorumNode,
  type WhitelistEntry,
} from '@/server/policy';

const arg = (name: string, dflt: number): number => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : dflt;
};
const ITERATIONS = arg('iterations', 3000);
const WARMUP = 300;
let seed = arg('seed', 42) >>> 0;
/** mulberry32: deterministic inputs from run to run. */
function rand(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
/**
 * A fresh flat copy of a string, like each row's value from the database driver. (Strings built by
 * concatenation or template literals are V8 cons strings; `===` between two of them takes a slow
 * path, which made an earlier version of this bench ~3× slower than real rows would be.)
 */
const copy = (s: string): string => Buffer.from(s, 'latin1').toString('latin1');
/** Random-looking v4 UUIDs (as gen_random_uuid() makes them), deterministic per seed, flat. */
const uid = (_n: number): string => {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return copy(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`);
};
const HOUR = 3_600_000;
const BTC = 100_000_000n;

// ---------------------------------------------------------------------------------------------
// The wallet
// ---------------------------------------------------------------------------------------------

const userIds = Array.from({ length: 40 }, (_, i) => uid(i + 1));
const keyIds = Array.from({ length: 6 }, (_, i) => uid(1000 + i));
const groupIds = Array.from({ length: 8 }, (_, i) => uid(2000 + i));
const users = new Map(userIds.map((id, i) => [id, { name: `User ${i + 1}` }]));
const apiKeys = new Map(keyIds.map((id, i) => [id, { name: `api-${i + 1}` }]));
const groups = new Map<string, DirectoryGroup>();
groupIds.forEach((id, g) => {
  const members: GroupMember[] = userIds.slice(g * 4, g * 4 + 5).map((u) => ({ kind: 'user' as const, id: u }));
  if (g === 6) members.push({ kind: 'group', id: groupIds[0]! }, { kind: 'group', id: groupIds[1]! }); // nested
  if (g === 7) members.push(...keyIds.map((k) => ({ kind: 'api_key' as const, id: k })));
  groups.set(id, { name: `Group ${g + 1}`, members });
});

const NOW_END = new Date('2026-11-25T12:00:00Z').getTime();
const whitelist = new Map<string, WhitelistEntry>();
const whitelisted: string[] = [];
for (let i = 0; i < 10_000; i++) {
  const address = `bcrt1q${i.toString(16).padStart(8, '0')}${'q'.repeat(30)}`;
  // 2 % of entries still in their cooling-off period at the end of the history.
  const usableFrom = new Date(NOW_END - (i % 50 === 0 ? -HOUR * 12 : HOUR * 24 * (1 + (i % 200))));
  whitelist.set(address, { label: `Counterparty ${i}`, usableFrom });
  whitelisted.push(address);
}
const directory: PolicyDirectory = { users, apiKeys, walletApprovers: userIds.slice(0, 10), groups, whitelist };

const principals: Principal[] = [
  ...userIds.slice(0, 20).map((id) => ({ kind: 'user' as const, id })),
  ...keyIds.map((id) => ({ kind: 'api_key' as const, id })),
];

/** 100,000 sorted entries spread over the 90 days before NOW_END. */
const HISTORY_SIZE = 100_000;
const history: HistoryEntry[] = [];
{
  const span = 90 * 24 * HOUR;
  for (let i = 0; i < HISTORY_SIZE; i++) {
    const p = pick(principals);
    history.push({
      requestId: uid(i), // rows are built like server/services/policies.ts velocityHistory: one object per row
      initiator: { kind: p.kind, id: copy(p.id) },
      amount: BigInt(Math.floor(rand() * 50_000_000)),
      at: new Date(NOW_END - span + Math.floor((i / HISTORY_SIZE) * span)),
    });
  }
}
const shuffled = [...history];
for (let i = shuffled.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
}

const hierarchy: QuorumNode = {
  kind: 'and',
  children: [
    { kind: 'group', groupId: groupIds[0]!, k: 2 },
    { kind: 'threshold', label: 'API servers', k: 1, children: [{ kind: 'api_key', apiKeyId: keyIds[0]! }, { kind: 'api_key', apiKeyId: keyIds[1]! }] },
    { kind: 'user', label: 'Department head', userId: userIds[0]! },
  ],
};

/** 50 rules: 12 amount, 12 velocity, 10 business hours, 10 per-initiator, 6 combined. */
function fiftyRules(): PolicyRule[] {
  const rules: PolicyRule[] = [];
  const require = (quorum: string) => ({ type: 'require' as const, quorum });
  for (let i = 0; i < 12; i++) {
    rules.push({ id: `amount-${i}`, when: { amountAbove: String(BigInt(i + 1) * 25_000_000n) }, action: i === 11 ? { type: 'deny' } : require(i < 6 ? 'ops' : 'board') });
  }
  const windows = [1, 4, 12, 24, 48, 72, 168, 336, 720, 1440, 2160, 24];
  windows.forEach((windowHours, i) => {
    rules.push({
      id: `velocity-${i}`,
      when: {
        velocity: {
          windowHours,
          scope: i % 2 === 0 ? 'wallet' : 'initiator',
          ...(i % 3 === 0 ? { maxCount: windowHours * 3 } : { maxAmount: String(BigInt(windowHours) * 30n * BTC) }),
        },
      },
      action: require(i % 4 === 0 ? 'board' : 'ops'),
    });
  });
  const zones = ['UTC', 'Europe/Zurich', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];
  for (let i = 0; i < 10; i++) {
    rules.push({
      id: `hours-${i}`,
      when: { outsideHours: { timeZone: zones[i % zones.length]!, days: i % 2 ? [1, 2, 3, 4, 5] : [5], start: i % 2 ? '07:00' : '22:00', end: i % 2 ? '19:00' : '06:00' } },
      action: require('ops'),
    });
  }
  for (let i = 0; i < 10; i++) {
    rules.push({
      id: `initiator-${i}`,
      when: { initiatorIn: i % 3 === 0 ? [{ kind: 'group', id: groupIds[i % groupIds.length]! }] : [{ kind: 'user', id: userIds[i]! }, { kind: 'api_key', id: keyIds[i % keyIds.length]! }] },
      action: i === 9 ? { type: 'allow' } : require('board'),
    });
  }
  for (let i = 0; i < 6; i++) {
    rules.push({
      id: `combined-${i}`,
      when: {
        amountAbove: String(BigInt(i + 1) * 10_000_000n),
        initiatorIn: [{ kind: 'group', id: groupIds[6]! }],
        velocity: { windowHours: 24 * (i + 1), scope: 'initiator', maxAmount: String(BigInt(i + 1) * 20n * BTC) },
      },
      action: require('board'),
    });
  }
  return rules;
}

const fullRaw = {
  schema: 'keystead.policy/1',
  allowSelfApproval: false,
  whitelist: { mode: 'required' },
  quorums: { default: { kind: 'wallet_approvers', k: 2 }, ops: { kind: 'group', groupId: groupIds[6]!, k: 2 }, board: hierarchy },
  rules: fiftyRules(),
  defaultAction: { type: 'require', quorum: 'default' },
};

let t0 = performance.now();
const full = validatePolicy(fullRaw, directory);
const validateMs = performance.now() - t0;
const fullHash = policyHash(full);
const baseline: PolicyDocument = { ...defaultPolicy(), whitelist: { mode: 'required' } };

t0 = performance.now();
const historyIndex = indexHistory(history);
const indexMs = performance.now() - t0;

function makeRequest(i: number): { request: PolicyRequest; now: Date } {
  const n = 1 + Math.floor(rand() * 3);
  const outputs = Array.from({ length: n }, () => ({
    address: rand() < 0.03 ? `bcrt1qnotwhitelisted${i}` : pick(whitelisted),
    amount: BigInt(Math.floor(rand() * 2 * Number(BTC))),
    isChange: false,
  }));
  outputs.push({ address: 'bcrt1qchange', amount: 12_345n, isChange: true });
  const now = new Date(NOW_END - Math.floor(rand() * 24 * HOUR));
  return { request: { requestId: uid(i), walletId: 'w', initiator: pick(principals), outputs, feeCap: 10_000n, createdAt: now }, now };
}

// ---------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------

interface Case {
  name: string;
  run: (r: PolicyRequest, now: Date) => unknown;
}
const fmt = (n: bigint) => formatSats(n, 'BTC');
const cases: Case[] = [
  { name: '(A) full: 10k whitelist, 50 rules, 100k history', run: (r, now) => evaluatePolicy(full, r, history, { now }, directory, { formatAmount: fmt }) },
  { name: '(B) baseline: no rules, empty history', run: (r, now) => evaluatePolicy(baseline, r, [], { now }, directory, { formatAmount: fmt }) },
  { name: '(C) 50 rules, empty history', run: (r, now) => evaluatePolicy(full, r, [], { now }, directory, { formatAmount: fmt }) },
  { name: '(D) full, policy hash precomputed', run: (r, now) => evaluatePolicy(full, r, history, { now }, directory, { formatAmount: fmt, policyHash: fullHash }) },
  { name: '(E) full, history pre-indexed (indexHistory)', run: (r, now) => evaluatePolicy(full, r, historyIndex, { now }, directory, { formatAmount: fmt }) },
  { name: '(F) full, history not sorted (sorted copy)', run: (r, now) => evaluatePolicy(full, r, shuffled, { now }, directory, { formatAmount: fmt }) },
];
const LAST = cases.length - 1; // (F), measured on its own
const samples: number[][] = cases.map(() => []);
const actions: Record<string, number> = {};
// (F) sorts a copy of 100k entries per call and makes a lot of garbage: it runs after the others,
// with fewer iterations, so that its GC does not land in their samples.
const F_ITERATIONS = Math.max(50, Math.floor(ITERATIONS / 10));

for (let i = 0; i < WARMUP + ITERATIONS; i++) {
  const { request, now } = makeRequest(i);
  for (let ci = 0; ci < LAST; ci++) {
    const start = performance.now();
    const d = cases[ci]!.run(request, now) as { action: string };
    const ms = performance.now() - start;
    if (i >= WARMUP) {
      samples[ci]!.push(ms);
      if (ci === 0) actions[d.action] = (actions[d.action] ?? 0) + 1;
    }
  }
}
for (let i = 0; i < 10 + F_ITERATIONS; i++) {
  const { request, now } = makeRequest(i);
  const start = performance.now();
  cases[LAST]!.run(request, now);
  if (i >= 10) samples[LAST]!.push(performance.now() - start);
}

t0 = performance.now();
const quorumRuns = 10_000;
for (let i = 0; i < quorumRuns; i++) {
  evaluateQuorum(hierarchy, [{ kind: 'user', id: userIds[1]! }, { kind: 'api_key', id: keyIds[0]! }], { ...directory, excluded: [{ kind: 'user', id: userIds[0]! }] });
}
const quorumUs = ((performance.now() - t0) / quorumRuns) * 1000;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};
const stats = samples.map((xs) => ({ n: xs.length, p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), max: Math.max(...xs), mean: xs.reduce((a, b) => a + b, 0) / xs.length }));
const base = stats[1]!;
const f = (ms: number) => (ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));

console.log(`policy-eval: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`wallet: ${whitelist.size} whitelist entries, ${full.rules.length} rules (${full.rules.filter((r) => r.when.velocity).length} velocity), history ${history.length} entries over 90 days; ${ITERATIONS} iterations after ${WARMUP} warm-up`);
console.log('');
console.log('| Case | n | p50 ms | p99 ms | max ms | mean ms | p50 / (B) | p99 / (B) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
cases.forEach((c, i) => {
  const s = stats[i]!;
  console.log(`| ${c.name} | ${s.n} | ${f(s.p50)} | ${f(s.p99)} | ${f(s.max)} | ${f(s.mean)} | ${(s.p50 / base.p50).toFixed(1)}× | ${(s.p99 / base.p99).toFixed(1)}× |`);
});
console.log('');
console.log(`decisions in (A): ${Object.entries(actions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`validatePolicy (50 rules, once, cold): ${f(validateMs)} ms; indexHistory (100k, once): ${f(indexMs)} ms; evaluateQuorum (hierarchical, 3 branches): ${quorumUs.toFixed(1)} µs`);
const target = stats[0]!.p99 < 10 ? 'under' : 'OVER';
console.log(`target: (A) p99 ${f(stats[0]!.p99)} ms is ${target} 10 ms`);

const outDir = path.join(process.cwd(), 'bench', 'out');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  path.join(outDir, 'policy-eval.json'),
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, loadavg: loadavg(), iterations: ITERATIONS, validateMs, indexMs, quorumUs, cases: cases.map((c, i) => ({ name: c.name, ...stats[i], samples: samples[i] })) }, null, 2)}\n`,
);
