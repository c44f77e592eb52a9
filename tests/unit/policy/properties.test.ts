/**
 * Property tests (fast-check) of the policy engine:
 * - quorums are monotonic (one more approval never unsatisfies), and canStillBeSatisfied agrees
 *   with "everyone still eligible approves";
 * - removing a whitelist entry never allows more;
 * - evaluation is deterministic (same inputs, or fresh copies of them, or a shuffled history → the
 *   same decision JSON);
 * - the one-pass velocity totals equal a naive filter-and-sum, and HistoryIndex equals the one-pass scan;
 * - validatePolicy throws nothing but PolicyError, whatever it is given, and what it accepts
 *   round-trips.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PolicyError,
  canStillBeSatisfied,
  evaluatePolicy,
  evaluateQuorum,
  indexHistory,
  quorumPrincipals,
  validatePolicy,
  windowTotals,
  type HistoryEntry,
  type PolicyAction,
  type PolicyDecision,
  type PolicyDirectory,
  type PolicyDocument,
  type PolicyRequest,
  type PolicyRule,
  type Principal,
  type PrincipalRef,
  type QuorumNode,
  type RuleConditions,
  type WhitelistEntry,
} from '@/server/policy';
import { ADDR, G, HOUR, K, NOW, U, makeDirectory } from './fixtures';

const RUNS = { numRuns: 300 };
const dir = makeDirectory();

// ------------------------------------------------------------------ generators

const USERS = Object.values(U);
const KEYS = [K.build, K.deploy, K.rogue];
const GROUPS = [G.ops, G.api, G.treasury];
const principalArb: fc.Arbitrary<Principal> = fc.oneof(
  fc.constantFrom(...USERS).map((id) => ({ kind: 'user' as const, id })),
  fc.constantFrom(...KEYS).map((id) => ({ kind: 'api_key' as const, id })),
);

const leafArb: fc.Arbitrary<QuorumNode> = fc.oneof(
  fc.constantFrom(...USERS).map((userId): QuorumNode => ({ kind: 'user', userId })),
  fc.constantFrom(K.build, K.deploy).map((apiKeyId): QuorumNode => ({ kind: 'api_key', apiKeyId })),
  fc.record({ groupId: fc.constantFrom(...GROUPS), k: fc.integer({ min: 1, max: 2 }) }).map(({ groupId, k }): QuorumNode => ({ kind: 'group', groupId, k })),
  fc.integer({ min: 1, max: 3 }).map((k): QuorumNode => ({ kind: 'wallet_approvers', k })),
);

const treeArb: fc.Arbitrary<QuorumNode> = fc.letrec<{ node: QuorumNode; and: QuorumNode; threshold: QuorumNode }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leafArb, tie('and'), tie('threshold')),
  and: fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((children): QuorumNode => ({ kind: 'and', children })),
  threshold: fc
    .array(tie('node'), { minLength: 1, maxLength: 4 })
    .chain((children) => fc.integer({ min: 1, max: children.length }).map((k): QuorumNode => ({ kind: 'threshold', k, children }))),
})).node;

const hhmm = fc.record({ h: fc.integer({ min: 0, max: 23 }), m: fc.constantFrom(0, 15, 30, 59) }).map(({ h, m }) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

const conditionsArb: fc.Arbitrary<RuleConditions> = fc.record(
  {
    amountAbove: fc.bigInt({ min: 0n, max: 300_000_000n }).map(String),
    velocity: fc
      .record({
        windowHours: fc.integer({ min: 1, max: 72 }),
        scope: fc.constantFrom('wallet' as const, 'initiator' as const),
        maxAmount: fc.option(fc.bigInt({ min: 0n, max: 500_000_000n }).map(String), { nil: undefined }),
        maxCount: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
      })
      .map((v) => {
        const out: NonNullable<RuleConditions['velocity']> = { windowHours: v.windowHours, scope: v.scope };
        if (v.maxAmount !== undefined) out.maxAmount = v.maxAmount;
        if (v.maxCount !== undefined || v.maxAmount === undefined) out.maxCount = v.maxCount ?? 2;
        return out;
      }),
    outsideHours: fc
      .record({
        timeZone: fc.constantFrom('UTC', 'America/New_York', 'Europe/Zurich', 'Asia/Kolkata'),
        days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
        start: hhmm,
        end: hhmm,
      })
      .filter((w) => w.start !== w.end),
    initiatorIn: fc.uniqueArray(
      fc.oneof(
        fc.constantFrom(...USERS).map((id): PrincipalRef => ({ kind: 'user', id })),
        fc.constantFrom(K.build, K.deploy).map((id): PrincipalRef => ({ kind: 'api_key', id })),
        fc.constantFrom(...GROUPS).map((id): PrincipalRef => ({ kind: 'group', id })),
      ),
      { minLength: 1, maxLength: 3, selector: (r) => `${r.kind}:${r.id}` },
    ),
  },
  { requiredKeys: [] },
);

const QUORUM_NAMES = ['default', 'ops', 'board'];
const actionArb: fc.Arbitrary<PolicyAction> = fc.oneof(
  fc.constant({ type: 'allow' as const }),
  fc.constant({ type: 'deny' as const }),
  fc.constantFrom(...QUORUM_NAMES).map((quorum) => ({ type: 'require' as const, quorum })),
);

/** Policies that are valid against `dir` except possibly for k ranges (evaluation does not care). */
const policyArb: fc.Arbitrary<PolicyDocument> = fc
  .record({
    allowSelfApproval: fc.boolean(),
    mode: fc.constantFrom('required' as const, 'disabled' as const),
    quorums: fc.tuple(treeArb, treeArb, treeArb),
    rules: fc.array(fc.record({ when: conditionsArb, action: actionArb }), { maxLength: 6 }),
    defaultAction: actionArb,
  })
  .map(({ allowSelfApproval, mode, quorums, rules, defaultAction }) => ({
    schema: 'keystead.policy/1' as const,
    allowSelfApproval,
    whitelist: { mode },
    quorums: { default: quorums[0], ops: quorums[1], board: quorums[2] },
    rules: rules.map((r, i): PolicyRule => ({ id: `rule-${i}`, ...r })),
    defaultAction,
  }));

const ADDRESSES = [ADDR.supplier, ADDR.exchange, ADDR.fresh, ADDR.unknown, 'bcrt1qextra0000000000000000000000000000000000'];

const requestArb: fc.Arbitrary<PolicyRequest> = fc
  .record({
    initiator: principalArb,
    outputs: fc.array(
      fc.record({ address: fc.constantFrom(...ADDRESSES), amount: fc.bigInt({ min: 0n, max: 200_000_000n }), isChange: fc.boolean() }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ initiator, outputs }) => ({ requestId: 'req-x', walletId: 'w', initiator, outputs, feeCap: 5_000n, createdAt: NOW }));

const historyArb: fc.Arbitrary<HistoryEntry[]> = fc
  .array(
    fc.record({
      initiator: principalArb,
      amount: fc.bigInt({ min: 0n, max: 100_000_000n }),
      msAgo: fc.oneof(fc.integer({ min: -HOUR, max: 80 * HOUR }), fc.constantFrom(HOUR, 24 * HOUR, 72 * HOUR)),
      same: fc.boolean(),
    }),
    { maxLength: 30 },
  )
  .map((list) =>
    list
      .map((e) => ({ initiator: e.initiator, amount: e.amount, at: new Date(NOW.getTime() - e.msAgo), ...(e.same ? { requestId: 'req-x' } : {}) }))
      .sort((a, b) => a.at.getTime() - b.at.getTime()),
  );

const whitelistArb: fc.Arbitrary<Map<string, WhitelistEntry>> = fc
  .array(fc.record({ address: fc.constantFrom(...ADDRESSES), offsetHours: fc.integer({ min: -48, max: 48 }) }), { maxLength: 5 })
  .map((list) => new Map(list.map((e) => [e.address, { label: `label ${e.address.slice(-4)}`, usableFrom: new Date(NOW.getTime() + e.offsetHours * HOUR) }])));

const nowArb = fc.integer({ min: -14 * 24, max: 14 * 24 }).map((h) => new Date(NOW.getTime() + h * HOUR + 17 * 60_000));

const RANK: Record<PolicyDecision['action'], number> = { allow: 0, require_approval: 1, deny: 2 };

// ------------------------------------------------------------------ properties

describe('quorum properties', () => {
  it('adding an approval never turns a satisfied quorum unsatisfied (and never lowers have)', () => {
    fc.assert(
      fc.property(treeArb, fc.array(principalArb, { maxLength: 8 }), principalArb, fc.array(principalArb, { maxLength: 2 }), (tree, approvals, extra, excluded) => {
        const ctx = { ...dir, excluded };
        const before = evaluateQuorum(tree, approvals, ctx);
        const after = evaluateQuorum(tree, [...approvals, extra], ctx);
        if (before.satisfied) expect(after.satisfied).toBe(true);
        expect(after.have).toBeGreaterThanOrEqual(before.have);
      }),
      RUNS,
    );
  });

  it('canStillBeSatisfied ⇔ satisfied when every remaining eligible principal approves; satisfied ⇒ possible', () => {
    fc.assert(
      fc.property(treeArb, fc.array(principalArb, { maxLength: 4 }), fc.array(principalArb, { maxLength: 8 }), (tree, rejected, approvals) => {
        const remaining = quorumPrincipals(tree, { ...dir, excluded: rejected });
        const all = evaluateQuorum(tree, remaining, { ...dir, excluded: rejected });
        expect(canStillBeSatisfied(tree, rejected, dir)).toBe(all.satisfied);
        const some = evaluateQuorum(tree, approvals, { ...dir, excluded: rejected });
        if (some.satisfied) expect(canStillBeSatisfied(tree, rejected, dir)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('evaluation properties', () => {
  it('removing a whitelist entry never allows more', () => {
    fc.assert(
      fc.property(policyArb, requestArb, historyArb, whitelistArb, nowArb, fc.nat(), (policy, request, history, whitelist, now, pick) => {
        const keys = [...whitelist.keys()];
        fc.pre(keys.length > 0);
        const removed = new Map(whitelist);
        removed.delete(keys[pick % keys.length]!);
        const before = evaluatePolicy(policy, request, history, { now }, { ...dir, whitelist });
        const after = evaluatePolicy(policy, request, history, { now }, { ...dir, whitelist: removed });
        expect(RANK[after.action]).toBeGreaterThanOrEqual(RANK[before.action]);
        if (after.action !== 'deny') {
          // Not denied: the whitelist did not matter, so the decision is the same one.
          expect(after.action).toBe(before.action);
          expect(after.requiredQuorums).toEqual(before.requiredQuorums);
          expect(after.quorum).toEqual(before.quorum);
        }
      }),
      RUNS,
    );
  });

  it('is deterministic: same inputs, fresh copies, or a shuffled history give the same decision JSON', () => {
    fc.assert(
      fc.property(policyArb, requestArb, historyArb, whitelistArb, nowArb, fc.integer(), (policy, request, history, whitelist, now, seed) => {
        const directory: PolicyDirectory = { ...dir, whitelist };
        const a = JSON.stringify(evaluatePolicy(policy, request, history, { now }, directory));
        const b = JSON.stringify(evaluatePolicy(policy, request, history, { now }, directory));
        expect(b).toBe(a);
        const copy = <T>(v: T): T => structuredClone(v);
        const c = JSON.stringify(evaluatePolicy(copy(policy), copy(request), copy(history), { now: new Date(now.getTime()) }, copy(directory)));
        expect(c).toBe(a);
        const shuffled = [...history].sort((x, y) => ((x.at.getTime() * 31 + seed) % 7) - ((y.at.getTime() * 31 + seed) % 7));
        const d = JSON.stringify(evaluatePolicy(policy, request, shuffled, { now }, directory));
        expect(d).toBe(a);
      }),
      RUNS,
    );
  });

  it('never throws on a valid policy, and a decision is always one of the three actions', () => {
    fc.assert(
      fc.property(policyArb, requestArb, historyArb, nowArb, (policy, request, history, now) => {
        const d = evaluatePolicy(policy, request, history, { now }, dir);
        expect(['allow', 'require_approval', 'deny']).toContain(d.action);
        expect(d.quorum === null).toBe(d.action !== 'require_approval');
        expect(d.explanation.at(-1)).toMatch(/^(Decision: |Cannot be met)/);
      }),
      RUNS,
    );
  });

  it('velocity totals equal a naive filter-and-sum for every window', () => {
    fc.assert(
      fc.property(historyArb, fc.uniqueArray(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 4 }), principalArb, fc.boolean(), (history, windows, who, skip) => {
        const totals = windowTotals(history, NOW.getTime(), windows, who, skip ? 'req-x' : undefined);
        for (const h of windows) {
          const inWindow = history.filter((e) => e.at.getTime() > NOW.getTime() - h * HOUR && !(skip && e.requestId === 'req-x'));
          const mine = inWindow.filter((e) => e.initiator.kind === who.kind && e.initiator.id === who.id);
          expect(totals.get(h)).toEqual({
            walletCount: inWindow.length,
            walletAmount: inWindow.reduce((s, e) => s + e.amount, 0n),
            initiatorCount: mine.length,
            initiatorAmount: mine.reduce((s, e) => s + e.amount, 0n),
          });
        }
      }),
      RUNS,
    );
  });
});

describe('HistoryIndex', () => {
  it('gives the same totals as the one-pass scan, for sorted and unsorted histories', () => {
    fc.assert(
      fc.property(historyArb, fc.boolean(), fc.uniqueArray(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 4 }), principalArb, fc.boolean(), (history, reverse, windows, who, skip) => {
        const entries = reverse ? [...history].reverse() : history;
        const index = indexHistory(entries);
        expect(index.size).toBe(entries.length);
        const id = skip ? 'req-x' : undefined;
        expect(windowTotals(index, NOW.getTime(), windows, who, id)).toEqual(windowTotals(entries, NOW.getTime(), windows, who, id));
      }),
      RUNS,
    );
  });

  it('evaluatePolicy gives the same decision with the index as with the array', () => {
    fc.assert(
      fc.property(policyArb, requestArb, historyArb, nowArb, (policy, request, history, now) => {
        const a = JSON.stringify(evaluatePolicy(policy, request, history, { now }, dir));
        const b = JSON.stringify(evaluatePolicy(policy, request, indexHistory(history), { now }, dir));
        expect(b).toBe(a);
      }),
      RUNS,
    );
  });
});

describe('validatePolicy on arbitrary input', () => {
  const expectOnlyPolicyError = (raw: unknown): PolicyDocument | null => {
    try {
      return validatePolicy(raw, dir);
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError);
      expect((e as PolicyError).message.length).toBeGreaterThan(0);
      return null;
    }
  };

  it('throws only PolicyError on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (raw) => void expectOnlyPolicyError(raw)), { numRuns: 500 });
  });

  it('throws only PolicyError on arbitrary JavaScript values', () => {
    fc.assert(fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true }), (raw) => void expectOnlyPolicyError(raw)), { numRuns: 300 });
  });

  it('throws only PolicyError on policy-shaped documents with arbitrary parts; what passes round-trips', () => {
    const part = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: fc.jsonValue() });
    const shaped = fc
      .record(
        {
          schema: part(fc.constant('keystead.policy/1')),
          allowSelfApproval: part(fc.boolean()),
          whitelist: part(fc.record({ mode: fc.constantFrom('required', 'disabled') })),
          quorums: part(fc.dictionary(fc.constantFrom('default', 'ops', 'board', 'Bad Name'), part(treeArb as fc.Arbitrary<unknown>))),
          rules: part(fc.array(part(fc.record({ id: fc.constantFrom('a', 'b', 'c'), when: part(conditionsArb as fc.Arbitrary<unknown>), action: part(actionArb as fc.Arbitrary<unknown>) })), { maxLength: 4 })),
          defaultAction: part(actionArb as fc.Arbitrary<unknown>),
        },
        { requiredKeys: [] },
      )
      .map((d) => JSON.parse(JSON.stringify(d)) as unknown);
    let accepted = 0;
    fc.assert(
      fc.property(shaped, (raw) => {
        const doc = expectOnlyPolicyError(raw);
        if (doc) {
          accepted++;
          expect(validatePolicy(JSON.parse(JSON.stringify(doc)), dir)).toEqual(doc);
        }
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(0); // the generator does reach valid documents
  });
});
