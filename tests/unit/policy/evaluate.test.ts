/**
 * server/policy/evaluate.ts: every rule type, the combination (deny > require > allow > default),
 * the whitelist, self-approval and the recorded explanation.
 */
import { describe, expect, it } from 'vitest';
import { formatSats } from '@/lib/bitcoin/amount';
import {
  evaluatePolicy,
  maxVelocityWindowHours,
  policyHash,
  type HistoryEntry,
  type PolicyDocument,
  type PolicyRequest,
  type PolicyRule,
} from '@/server/policy';
import { ADDR, G, HIERARCHY, HOUR, K, NOW, U, key, makeDirectory, makeHistory, makePolicy, makeRequest, user } from './fixtures';

const dir = makeDirectory();
const BTC = 100_000_000n;
const btc = (n: bigint) => formatSats(n, 'BTC');

const boardPolicy = (rules: PolicyRule[], extra: Partial<PolicyDocument> = {}): PolicyDocument =>
  makePolicy({ quorums: { default: { kind: 'wallet_approvers', k: 1 }, board: HIERARCHY, ops: { kind: 'group', groupId: G.ops, k: 2 } }, rules, ...extra });

function run(policy: PolicyDocument, request: PolicyRequest = makeRequest(), history: HistoryEntry[] = [], now: Date = NOW) {
  return evaluatePolicy(policy, request, history, { now }, dir, { formatAmount: btc });
}

describe('amountAbove', () => {
  const policy = boardPolicy([{ id: 'large-payments', when: { amountAbove: String(BTC) }, action: { type: 'require', quorum: 'board' } }]);
  it.each([
    { amount: BTC - 1n, action: 'require_approval', quorums: ['default'] },
    { amount: BTC, action: 'require_approval', quorums: ['default'] }, // not above
    { amount: BTC + 1n, action: 'require_approval', quorums: ['board'] },
    { amount: 150_000_000n, action: 'require_approval', quorums: ['board'] },
  ])('$amount sats → $quorums', ({ amount, action, quorums }) => {
    const d = run(policy, makeRequest({ amount }));
    expect(d.action).toBe(action);
    expect(d.requiredQuorums).toEqual(quorums);
  });

  it('records why, with the caller’s amount format, and counts no change outputs', () => {
    const d = run(policy, makeRequest({ amount: 150_000_000n }));
    expect(d.amount).toBe('150000000'); // the 70 BTC change output is not counted
    expect(d.matched).toEqual([
      { ruleId: 'large-payments', action: { type: 'require', quorum: 'board' }, explanation: "Rule large-payments: 1.5 BTC above the 1 BTC limit → requires quorum 'board'" },
    ]);
    expect(d.explanation).toEqual([
      "Rule large-payments: 1.5 BTC above the 1 BTC limit → requires quorum 'board'",
      "Decision: requires approval of quorum 'board': Board payment (Erin, the initiator, cannot approve)",
    ]);
    expect(d.quorum).toEqual(HIERARCHY);
    expect(d.excluded).toEqual([user(U.erin)]);
    expect(d.satisfiable).toBe(true);
    expect(d.evaluatedAt).toBe(NOW.toISOString());
    expect(d.policyVersionHash).toBe(policyHash(policy));
  });

  it('sums several destinations', () => {
    const req = makeRequest({
      outputs: [
        { address: ADDR.supplier, amount: 60_000_000n, isChange: false },
        { address: ADDR.exchange, amount: 50_000_000n, isChange: false },
        { address: ADDR.change, amount: 1n, isChange: true },
      ],
    });
    expect(run(policy, req).requiredQuorums).toEqual(['board']);
  });

  it('uses `${n} sats` when no format is given', () => {
    const d = evaluatePolicy(policy, makeRequest({ amount: 150_000_000n }), [], { now: NOW }, dir);
    expect(d.matched[0]?.explanation).toBe("Rule large-payments: 150000000 sats above the 100000000 sats limit → requires quorum 'board'");
  });
});

describe('velocity', () => {
  const rule = (when: PolicyRule['when']): PolicyDocument => boardPolicy([{ id: 'velocity', when, action: { type: 'require', quorum: 'ops' } }]);
  const walletAmount = rule({ velocity: { windowHours: 24, scope: 'wallet', maxAmount: String(2n * BTC) } });
  const walletCount = rule({ velocity: { windowHours: 24, scope: 'wallet', maxCount: 3 } });
  const initiatorAmount = rule({ velocity: { windowHours: 24, scope: 'initiator', maxAmount: String(2n * BTC) } });
  const at = (msAgo: number, amount: bigint, initiator = user(U.erin)): HistoryEntry => ({ initiator, amount, at: new Date(NOW.getTime() - msAgo) });

  it.each<{ name: string; policy: PolicyDocument; history: HistoryEntry[]; amount: bigint; match: boolean }>([
    { name: 'amount: window + this = limit → no match', policy: walletAmount, history: [at(2 * HOUR, 150_000_000n)], amount: 50_000_000n, match: false },
    { name: 'amount: window + this = limit + 1 → match', policy: walletAmount, history: [at(2 * HOUR, 150_000_000n)], amount: 50_000_001n, match: true },
    { name: 'amount: entry exactly 24 h old is outside', policy: walletAmount, history: [at(24 * HOUR, 150_000_000n)], amount: 60_000_000n, match: false },
    { name: 'amount: entry 1 ms younger than 24 h is inside', policy: walletAmount, history: [at(24 * HOUR - 1, 150_000_000n)], amount: 60_000_000n, match: true },
    { name: 'amount: a future-dated entry counts', policy: walletAmount, history: [at(-HOUR, 150_000_000n)], amount: 60_000_000n, match: true },
    { name: 'amount: wallet scope counts everyone', policy: walletAmount, history: [at(HOUR, 150_000_000n, user(U.alice))], amount: 60_000_000n, match: true },
    { name: 'amount: initiator scope ignores others', policy: initiatorAmount, history: [at(HOUR, 150_000_000n, user(U.alice)), at(HOUR / 2, 100_000_000n, key(K.build))], amount: 60_000_000n, match: false },
    { name: 'amount: initiator scope counts the initiator', policy: initiatorAmount, history: [at(HOUR, 150_000_000n), at(HOUR / 2, 1n, user(U.alice))], amount: 60_000_000n, match: true },
    { name: 'count: 2 earlier + this = 3 → no match', policy: walletCount, history: [at(3 * HOUR, 1n), at(2 * HOUR, 1n)], amount: 1n, match: false },
    { name: 'count: 3 earlier + this = 4 → match', policy: walletCount, history: [at(3 * HOUR, 1n), at(2 * HOUR, 1n, user(U.alice)), at(HOUR, 1n)], amount: 1n, match: true },
    { name: 'count: the 3rd entry exactly at the window edge is outside', policy: walletCount, history: [at(24 * HOUR, 1n), at(2 * HOUR, 1n), at(HOUR, 1n)], amount: 1n, match: false },
    { name: 'count: empty history', policy: walletCount, history: [], amount: 1n, match: false },
  ])('$name', ({ policy, history, amount, match }) => {
    const d = run(policy, makeRequest({ amount }), history);
    expect(d.matched.map((m) => m.ruleId)).toEqual(match ? ['velocity'] : []);
    expect(d.requiredQuorums).toEqual(match ? ['ops'] : ['default']);
  });

  it('explains amount and count', () => {
    const both = rule({ velocity: { windowHours: 24, scope: 'initiator', maxAmount: String(BTC), maxCount: 2 } });
    const history = makeHistory([{ hoursAgo: 5, amount: 70_000_000n }, { hoursAgo: 1, amount: 20_000_000n }]);
    const d = run(both, makeRequest({ amount: 30_000_000n }), history);
    expect(d.matched[0]?.explanation).toBe(
      'Rule velocity: Erin would send 1.2 BTC in 24 h (0.9 BTC in 2 earlier payments + this 0.3 BTC), above the 1 BTC limit; ' +
        "this would be payment 3 by Erin in 24 h, above the limit of 2 → requires quorum 'ops'",
    );
  });

  it('never counts the evaluated request twice (history entry with the same requestId)', () => {
    const history = makeHistory([{ hoursAgo: 1, amount: 150_000_000n, requestId: 'req-1' }]);
    expect(run(walletAmount, makeRequest({ amount: 150_000_000n }), history).matched).toEqual([]);
    const other = makeHistory([{ hoursAgo: 1, amount: 150_000_000n, requestId: 'req-0' }]);
    expect(run(walletAmount, makeRequest({ amount: 150_000_000n }), other).matched).toHaveLength(1);
  });

  it('gives the same result for an unsorted history (sorted copy)', () => {
    const sorted = makeHistory([{ hoursAgo: 30, amount: BTC }, { hoursAgo: 20, amount: BTC }, { hoursAgo: 10, amount: BTC }, { hoursAgo: 1, amount: 1n }]);
    const shuffled = [sorted[2]!, sorted[0]!, sorted[3]!, sorted[1]!];
    const a = run(walletAmount, makeRequest({ amount: 1n }), sorted);
    const b = run(walletAmount, makeRequest({ amount: 1n }), shuffled);
    expect(a.matched).toHaveLength(1); // 2 BTC + 2 sats in 24 h
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('several windows share one pass and each sees its own entries', () => {
    const policy = boardPolicy([
      { id: 'hourly', when: { velocity: { windowHours: 1, scope: 'wallet', maxCount: 1 } }, action: { type: 'require', quorum: 'ops' } },
      { id: 'daily', when: { velocity: { windowHours: 24, scope: 'wallet', maxCount: 3 } }, action: { type: 'require', quorum: 'board' } },
      { id: 'quarterly', when: { velocity: { windowHours: 2160, scope: 'wallet', maxAmount: String(10n * BTC) } }, action: { type: 'deny' } },
    ]);
    const history = makeHistory([{ hoursAgo: 2000, amount: 9n * BTC }, { hoursAgo: 12, amount: 1n }, { hoursAgo: 6, amount: 1n }]);
    expect(run(policy, makeRequest({ amount: 1n }), history).matched.map((m) => m.ruleId)).toEqual([]);
    const more = makeHistory([{ hoursAgo: 2000, amount: 9n * BTC }, { hoursAgo: 12, amount: 1n }, { hoursAgo: 6, amount: 1n }, { hoursAgo: 0.5, amount: 1n }]);
    expect(run(policy, makeRequest({ amount: 1n }), more).matched.map((m) => m.ruleId)).toEqual(['hourly', 'daily']);
    const d = run(policy, makeRequest({ amount: BTC }), more);
    expect(d.matched.map((m) => m.ruleId)).toEqual(['hourly', 'daily', 'quarterly']);
    expect(d.action).toBe('deny');
  });
});

describe('outsideHours', () => {
  const policyFor = (timeZone: string, days: number[], start: string, end: string): PolicyDocument =>
    boardPolicy([{ id: 'after-hours', when: { outsideHours: { timeZone, days, start, end } }, action: { type: 'require', quorum: 'ops' } }]);
  const weekdays = [1, 2, 3, 4, 5];

  it.each([
    // Europe/Zurich, Mon–Fri 08:00–18:00 (CET = UTC+1 in winter)
    { tz: 'Europe/Zurich', days: weekdays, start: '08:00', end: '18:00', at: '2026-03-04T12:00:00Z', outside: false, note: 'Wed 13:00' },
    { tz: 'Europe/Zurich', days: weekdays, start: '08:00', end: '18:00', at: '2026-03-04T06:59:00Z', outside: true, note: 'Wed 07:59' },
    { tz: 'Europe/Zurich', days: weekdays, start: '08:00', end: '18:00', at: '2026-03-04T07:00:00Z', outside: false, note: 'Wed 08:00 (start inclusive)' },
    { tz: 'Europe/Zurich', days: weekdays, start: '08:00', end: '18:00', at: '2026-03-04T17:00:00Z', outside: true, note: 'Wed 18:00 (end exclusive)' },
    { tz: 'Europe/Zurich', days: weekdays, start: '08:00', end: '18:00', at: '2026-03-07T12:00:00Z', outside: true, note: 'Saturday' },
    // America/New_York, DST starts Sun 2026-03-08 and ends Sun 2026-11-01: the same UTC time is 08:30 or 09:30.
    { tz: 'America/New_York', days: weekdays, start: '09:00', end: '17:00', at: '2026-03-06T13:30:00Z', outside: true, note: 'Fri 08:30 EST' },
    { tz: 'America/New_York', days: weekdays, start: '09:00', end: '17:00', at: '2026-03-09T13:30:00Z', outside: false, note: 'Mon 09:30 EDT' },
    { tz: 'America/New_York', days: weekdays, start: '09:00', end: '17:00', at: '2026-10-30T20:30:00Z', outside: false, note: 'Fri 16:30 EDT' },
    { tz: 'America/New_York', days: weekdays, start: '09:00', end: '17:00', at: '2026-11-02T13:30:00Z', outside: true, note: 'Mon 08:30 EST' },
    { tz: 'America/New_York', days: weekdays, start: '09:00', end: '17:00', at: '2026-11-02T14:00:00Z', outside: false, note: 'Mon 09:00 EST' },
    // A night window crossing midnight, starting on Fridays only: Fri 22:00 → Sat 06:00 (UTC)
    { tz: 'UTC', days: [5], start: '22:00', end: '06:00', at: '2026-03-06T21:59:00Z', outside: true, note: 'Fri 21:59' },
    { tz: 'UTC', days: [5], start: '22:00', end: '06:00', at: '2026-03-06T22:00:00Z', outside: false, note: 'Fri 22:00' },
    { tz: 'UTC', days: [5], start: '22:00', end: '06:00', at: '2026-03-06T23:59:00Z', outside: false, note: 'Fri 23:59' },
    { tz: 'UTC', days: [5], start: '22:00', end: '06:00', at: '2026-03-07T00:00:00Z', outside: false, note: 'Sat 00:00' },
    { tz: 'UTC', days: [5], start: '22:00', end: '06:00', at: '2026-03-07T05:59:00Z', outside: false, note: 'Sat 05:59' },
    { tz: 'UTC', days: [5], start: '22:00', end: '06:00', at: '2026-03-07T06:00:00Z', outside: true, note: 'Sat 06:00' },
    { tz: 'UTC', days: [5], start: '22:00', end: '06:00', at: '2026-03-07T23:00:00Z', outside: true, note: 'Sat 23:00 (Saturday not listed)' },
    { tz: 'UTC', days: [5], start: '22:00', end: '06:00', at: '2026-03-06T03:00:00Z', outside: true, note: 'Fri 03:00 (Thursday not listed)' },
    // Night window in New York across the spring-forward night: Sat 22:00 → Sun 06:00 local
    { tz: 'America/New_York', days: [6], start: '22:00', end: '06:00', at: '2026-03-08T09:30:00Z', outside: false, note: 'Sun 05:30 EDT' },
    { tz: 'America/New_York', days: [6], start: '22:00', end: '06:00', at: '2026-03-08T10:30:00Z', outside: true, note: 'Sun 06:30 EDT' },
    // Whole days
    { tz: 'Asia/Tokyo', days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '24:00', at: '2026-03-04T14:59:00Z', outside: false, note: 'any time' },
    { tz: 'Asia/Tokyo', days: [3], start: '00:00', end: '24:00', at: '2026-03-04T15:00:00Z', outside: true, note: 'Thu 00:00 in Tokyo' },
  ])('$tz $start–$end: $note → outside=$outside', ({ tz, days, start, end, at, outside }) => {
    const d = run(policyFor(tz, days, start, end), makeRequest(), [], new Date(at));
    expect(d.matched.map((m) => m.ruleId)).toEqual(outside ? ['after-hours'] : []);
  });

  it('explains in local time', () => {
    const d = run(policyFor('America/New_York', weekdays, '09:00', '17:00'), makeRequest(), [], new Date('2026-03-07T15:00:00Z'));
    expect(d.matched[0]?.explanation).toBe(
      "Rule after-hours: Saturday 10:00 is outside Mon, Tue, Wed, Thu, Fri 09:00–17:00 America/New_York → requires quorum 'ops'",
    );
  });

  it('an unknown time zone (document not validated) denies (fail closed)', () => {
    const d = run(policyFor('Mars/Olympus', weekdays, '09:00', '17:00'));
    expect(d.action).toBe('deny');
    expect(d.explanation).toEqual([
      'Rule after-hours: time zone "Mars/Olympus" is unknown, so the rule cannot be evaluated → denied (fix the policy)',
      'Decision: denied',
    ]);
  });
});

describe('initiatorIn (per-user rules)', () => {
  const policy = boardPolicy([
    { id: 'bots-small', when: { initiatorIn: [{ kind: 'api_key', id: K.build }] }, action: { type: 'allow' } },
    { id: 'managers', when: { initiatorIn: [{ kind: 'group', id: G.treasury }] }, action: { type: 'require', quorum: 'board' } },
    { id: 'frank-blocked', when: { initiatorIn: [{ kind: 'user', id: U.frank }] }, action: { type: 'deny' } },
  ]);
  it.each([
    { initiator: key(K.build), action: 'allow', matched: ['bots-small'] },
    { initiator: key(K.deploy), action: 'require_approval', matched: [] },
    { initiator: user(U.dana), action: 'require_approval', matched: ['managers'] }, // direct member of Treasury
    { initiator: user(U.carol), action: 'require_approval', matched: ['managers'] }, // via Operations managers
    { initiator: user(U.frank), action: 'deny', matched: ['frank-blocked'] },
    { initiator: user(U.erin), action: 'require_approval', matched: [] },
  ])('$initiator.kind $initiator.id → $action', ({ initiator, action, matched }) => {
    const d = run(policy, makeRequest({ initiator }));
    expect(d.action).toBe(action);
    expect(d.matched.map((m) => m.ruleId)).toEqual(matched);
  });

  it('names the group in the explanation', () => {
    expect(run(policy, makeRequest({ initiator: user(U.carol) })).matched[0]?.explanation).toBe(
      "Rule managers: initiated by Carol, a member of Treasury → requires quorum 'board'",
    );
  });

  it('all conditions of a rule must hold', () => {
    const p = boardPolicy([{ id: 'bot-large', when: { initiatorIn: [{ kind: 'api_key', id: K.build }], amountAbove: String(BTC) }, action: { type: 'deny' } }]);
    expect(run(p, makeRequest({ initiator: key(K.build), amount: 2n * BTC })).action).toBe('deny');
    expect(run(p, makeRequest({ initiator: key(K.build), amount: BTC })).action).toBe('require_approval');
    expect(run(p, makeRequest({ initiator: user(U.erin), amount: 2n * BTC })).action).toBe('require_approval');
  });
});

describe('whitelist', () => {
  const required = makePolicy({ whitelist: { mode: 'required' } });
  const allowAll = makePolicy({ whitelist: { mode: 'required' }, defaultAction: { type: 'allow' } });
  it.each([
    { name: 'whitelisted destination', policy: required, to: ADDR.supplier, action: 'require_approval' },
    { name: 'unknown destination', policy: required, to: ADDR.unknown, action: 'deny' },
    { name: 'in cooling-off', policy: required, to: ADDR.fresh, action: 'deny' },
    { name: 'unknown destination, default allow', policy: allowAll, to: ADDR.unknown, action: 'deny' },
    { name: 'whitelisted, default allow', policy: allowAll, to: ADDR.exchange, action: 'allow' },
    { name: 'disabled: unknown destination', policy: makePolicy(), to: ADDR.unknown, action: 'require_approval' },
  ])('$name → $action', ({ policy, to, action }) => {
    expect(run(policy, makeRequest({ to })).action).toBe(action);
  });

  it('names each failing address; change outputs are never checked', () => {
    const req = makeRequest({
      outputs: [
        { address: ADDR.supplier, amount: 1n, isChange: false },
        { address: ADDR.unknown, amount: 2n, isChange: false },
        { address: ADDR.fresh, amount: 3n, isChange: false },
        { address: 'bcrt1qnotwhitelistedchange', amount: 4n, isChange: true },
      ],
    });
    const d = run(required, req);
    expect(d.action).toBe('deny');
    expect(d.quorum).toBeNull();
    expect(d.explanation).toEqual([
      `Destination ${ADDR.unknown} is not on the whitelist → denied`,
      `Destination ${ADDR.fresh} (New supplier) is still in its whitelist cooling-off period until 2026-03-05T12:00:00.000Z → denied`,
      'Decision: denied',
    ]);
  });

  it('records a passed check', () => {
    const two = makeRequest({
      outputs: [
        { address: ADDR.supplier, amount: 1n, isChange: false },
        { address: ADDR.exchange, amount: 2n, isChange: false },
        { address: ADDR.supplier, amount: 3n, isChange: false },
      ],
    });
    expect(run(required, two).explanation[0]).toBe('Whitelist: all 2 destinations are whitelisted');
    const changeOnly = makeRequest({ outputs: [{ address: ADDR.unknown, amount: 5n, isChange: true }] });
    expect(run(required, changeOnly).explanation[0]).toBe('Whitelist: no destinations to check (change only)');
  });

  it('the cooling-off period ends exactly at usableFrom', () => {
    const usableFrom = new Date(NOW.getTime() + 24 * HOUR);
    expect(run(required, makeRequest({ to: ADDR.fresh }), [], new Date(usableFrom.getTime() - 1)).action).toBe('deny');
    expect(run(required, makeRequest({ to: ADDR.fresh }), [], usableFrom).action).toBe('require_approval');
  });

  it('works with a plain-record whitelist', () => {
    const d = evaluatePolicy(required, makeRequest({ to: ADDR.supplier }), [], { now: NOW }, {
      ...dir,
      whitelist: { [ADDR.supplier]: { label: 'Supplier AG', usableFrom: new Date(0) } },
    });
    expect(d.action).toBe('require_approval');
    expect(d.explanation[0]).toBe('Whitelist: the destination is whitelisted');
  });
});

describe('combination', () => {
  const allow: PolicyRule = { id: 'small-allow', when: {}, action: { type: 'allow' } };
  const reqOps: PolicyRule = { id: 'needs-ops', when: {}, action: { type: 'require', quorum: 'ops' } };
  const reqBoard: PolicyRule = { id: 'needs-board', when: {}, action: { type: 'require', quorum: 'board' } };
  const reqOpsAgain: PolicyRule = { id: 'needs-ops-again', when: {}, action: { type: 'require', quorum: 'ops' } };
  const deny: PolicyRule = { id: 'blocked', when: {}, action: { type: 'deny' } };
  const never: PolicyRule = { id: 'never', when: { amountAbove: '999999999999999' }, action: { type: 'deny' } };

  it.each([
    { rules: [allow], action: 'allow', quorums: [] },
    { rules: [allow, reqOps], action: 'require_approval', quorums: ['ops'] },
    { rules: [reqOps, allow], action: 'require_approval', quorums: ['ops'] },
    { rules: [reqBoard, allow, reqOps, reqOpsAgain], action: 'require_approval', quorums: ['board', 'ops'] },
    { rules: [allow, reqOps, deny], action: 'deny', quorums: [] },
    { rules: [deny, allow], action: 'deny', quorums: [] },
    { rules: [never], action: 'require_approval', quorums: ['default'] },
    { rules: [never, allow], action: 'allow', quorums: [] },
  ])('$rules.length rules → $action $quorums', ({ rules, action, quorums }) => {
    const d = run(boardPolicy(rules));
    expect(d.action).toBe(action);
    expect(d.requiredQuorums).toEqual(quorums);
    expect(d.matched.map((m) => m.ruleId)).toEqual(rules.filter((r) => r !== never).map((r) => r.id));
  });

  it('several required quorums are ANDed, in rule order', () => {
    const p = boardPolicy([reqBoard, reqOps]);
    const d = run(p);
    expect(d.quorum).toEqual({ kind: 'and', children: [HIERARCHY, p.quorums.ops] });
    expect(d.explanation.at(-1)).toBe(
      "Decision: requires approval of quorum 'board' and quorum 'ops': all of (Board payment, 2 of Operations managers) (Erin, the initiator, cannot approve)",
    );
  });

  it.each([
    { defaultAction: { type: 'allow' as const }, action: 'allow', line: 'No rule matched → default action: allowed without approval' },
    { defaultAction: { type: 'deny' as const }, action: 'deny', line: 'No rule matched → default action: denied' },
    { defaultAction: { type: 'require' as const, quorum: 'board' }, action: 'require_approval', line: "No rule matched → default action: requires quorum 'board'" },
  ])('defaultAction $defaultAction.type applies only when nothing matched', ({ defaultAction, action, line }) => {
    const d = run(boardPolicy([never], { defaultAction }));
    expect(d.action).toBe(action);
    expect(d.explanation[0]).toBe(line);
    expect(run(boardPolicy([never, reqOps], { defaultAction })).requiredQuorums).toEqual(['ops']);
  });

  it('default policy: 1 of the wallet approvers, initiator excluded', () => {
    const d = run(makePolicy());
    expect(d).toMatchObject({ action: 'require_approval', quorum: { kind: 'wallet_approvers', k: 1 }, requiredQuorums: ['default'], excluded: [user(U.erin)], satisfiable: true });
  });

  it('self-approval: the initiator is excluded unless allowed, and an unmeetable quorum is flagged', () => {
    const soloDir = makeDirectory({ walletApprovers: [U.erin] });
    const strict = evaluatePolicy(makePolicy(), makeRequest(), [], { now: NOW }, soloDir);
    expect(strict.satisfiable).toBe(false);
    expect(strict.explanation.at(-1)).toBe(
      'Cannot be met even if every eligible approver approves: needs 1 more approval from wallet approvers (have 0 of 1); cannot be met: only 0 eligible',
    );
    const relaxed = evaluatePolicy(makePolicy({ allowSelfApproval: true }), makeRequest(), [], { now: NOW }, soloDir);
    expect(relaxed.excluded).toEqual([]);
    expect(relaxed.satisfiable).toBe(true);
  });

  it('fails closed: negative amount, or a quorum the document does not define', () => {
    const neg = makeRequest({ outputs: [{ address: ADDR.supplier, amount: -1n, isChange: false }] });
    expect(run(makePolicy(), neg).action).toBe('deny');
    const broken = makePolicy({ defaultAction: { type: 'require', quorum: 'missing' } });
    const d = run(broken);
    expect(d.action).toBe('deny');
    expect(d.explanation).toContain("The policy requires quorum 'missing', which it does not define → denied");
  });

  it('an empty `when` explains itself', () => {
    expect(run(boardPolicy([reqOps])).matched[0]?.explanation).toBe("Rule needs-ops: applies to every payment → requires quorum 'ops'");
  });
});

describe('policy hash and history window', () => {
  it('records the policy hash, recomputed when the same document object is changed', () => {
    const policy = makePolicy();
    const first = run(policy);
    expect(first.policyVersionHash).toBe(policyHash(makePolicy()));
    policy.allowSelfApproval = true;
    const second = run(policy);
    expect(second.policyVersionHash).toBe(policyHash({ ...makePolicy(), allowSelfApproval: true }));
    expect(second.policyVersionHash).not.toBe(first.policyVersionHash);
  });

  it('uses a precomputed hash when the caller passes one', () => {
    const d = evaluatePolicy(makePolicy(), makeRequest(), [], { now: NOW }, dir, { policyHash: 'stored-hash' });
    expect(d.policyVersionHash).toBe('stored-hash');
  });

  it('maxVelocityWindowHours: how much history the caller needs to load', () => {
    expect(maxVelocityWindowHours(makePolicy())).toBe(0);
    expect(
      maxVelocityWindowHours(
        boardPolicy([
          { id: 'a', when: { velocity: { windowHours: 24, scope: 'wallet', maxCount: 1 } }, action: { type: 'deny' } },
          { id: 'b', when: { amountAbove: '1' }, action: { type: 'deny' } },
          { id: 'c', when: { velocity: { windowHours: 168, scope: 'initiator', maxAmount: '1' } }, action: { type: 'deny' } },
        ]),
      ),
    ).toBe(168);
  });

  it('does not read the history when no velocity condition is reached', () => {
    const trap = new Proxy([], { get: () => { throw new Error('history was read'); } }) as unknown as HistoryEntry[];
    const p = boardPolicy([{ id: 'v', when: { amountAbove: String(10n * BTC), velocity: { windowHours: 24, scope: 'wallet', maxCount: 1 } }, action: { type: 'deny' } }]);
    expect(run(p, makeRequest({ amount: BTC }), trap).action).toBe('require_approval');
    expect(() => run(p, makeRequest({ amount: 11n * BTC }), trap)).toThrow('history was read');
  });
});
