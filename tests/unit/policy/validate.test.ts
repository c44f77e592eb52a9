/**
 * server/policy/validate.ts: validatePolicy → PolicyError with a code and a path for every kind of
 * mistake; defaults; policyHash; describePolicy.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatSats } from '@/lib/bitcoin/amount';
import { PolicyError, defaultPolicy, describePolicy, policyHash, validatePolicy, type PolicyErrorCode } from '@/server/policy';
import { G, HIERARCHY, K, U, makeDirectory, uid } from './fixtures';

const dir = makeDirectory();

/** A valid document to break in one place. */
function base(): Record<string, any> {
  return {
    schema: 'keystead.policy/1',
    allowSelfApproval: false,
    whitelist: { mode: 'required' },
    quorums: {
      default: { kind: 'wallet_approvers', k: 1 },
      board: structuredClone(HIERARCHY),
      ops: { kind: 'group', groupId: G.ops, k: 2 },
    },
    rules: [
      { id: 'large-payments', description: 'Over 1 BTC', when: { amountAbove: '100000000' }, action: { type: 'require', quorum: 'board' } },
      { id: 'after-hours', when: { outsideHours: { timeZone: 'Europe/Zurich', days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' } }, action: { type: 'require', quorum: 'ops' } },
      { id: 'bots', when: { initiatorIn: [{ kind: 'api_key', id: K.build }, { kind: 'group', id: G.treasury }] }, action: { type: 'allow' } },
      { id: 'velocity', when: { velocity: { windowHours: 24, scope: 'wallet', maxAmount: '500000000', maxCount: 10 } }, action: { type: 'deny' } },
    ],
    defaultAction: { type: 'require', quorum: 'default' },
  };
}

function expectPolicyError(raw: unknown, code: PolicyErrorCode, path: string, message?: RegExp | string, directory = dir): PolicyError {
  let caught: unknown;
  try {
    validatePolicy(raw, directory);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(PolicyError);
  const err = caught as PolicyError;
  expect({ code: err.code, path: err.path }).toEqual({ code, path });
  expect(err.message.startsWith(path ? `${path}: ` : '')).toBe(true);
  if (message !== undefined) expect(err.message).toMatch(message);
  return err;
}

const edit = (f: (d: Record<string, any>) => void): Record<string, any> => {
  const d = base();
  f(d);
  return d;
};

describe('validatePolicy: valid documents', () => {
  it('accepts the example and returns it unchanged', () => {
    expect(validatePolicy(base(), dir)).toEqual(base());
  });

  it('fills in the defaults', () => {
    const doc = validatePolicy({ schema: 'keystead.policy/1', quorums: { default: { kind: 'wallet_approvers', k: 2 } } }, dir);
    expect(doc).toEqual({
      schema: 'keystead.policy/1',
      allowSelfApproval: false,
      whitelist: { mode: 'disabled' },
      quorums: { default: { kind: 'wallet_approvers', k: 2 } },
      rules: [],
      defaultAction: { type: 'require', quorum: 'default' },
    });
  });

  it('defaultPolicy() is valid when the wallet has an approver, and not when it has none', () => {
    expect(validatePolicy(defaultPolicy(), dir)).toEqual(defaultPolicy());
    expectPolicyError(defaultPolicy(), 'POLICY_THRESHOLD_RANGE', 'quorums.default.k', /only 0 active wallet approvers/, makeDirectory({ walletApprovers: [] }));
  });

  it('accepts a window ending at 24:00 and one crossing midnight', () => {
    const d = edit((p) => {
      p.rules[1].when.outsideHours = { timeZone: 'America/New_York', days: [5], start: '22:00', end: '06:00' };
      p.rules.push({ id: 'all-day', when: { outsideHours: { timeZone: 'UTC', days: [0], start: '00:00', end: '24:00' } }, action: { type: 'deny' } });
    });
    expect(validatePolicy(d, dir).rules).toHaveLength(5);
  });
});

describe('validatePolicy: POLICY_SCHEMA', () => {
  it.each<[string, (d: Record<string, any>) => void, string, RegExp]>([
    ['unknown condition', (d) => { d.rules[0].when = { amountAbov: '1' }; }, 'rules[0].when', /unknown condition "amountAbov"; the conditions are amountAbove, velocity, outsideHours, initiatorIn/],
    ['unknown rule field', (d) => { d.rules[2].priority = 1; }, 'rules[2]', /unknown field "priority"/],
    ['unknown node kind', (d) => { d.quorums.board.children[1].kind = 'majority'; }, 'quorums.board.children[1].kind', /unknown kind "majority"; use one of: and, threshold, user, api_key, group, wallet_approvers/],
    ['missing node kind', (d) => { delete d.quorums.ops.kind; }, 'quorums.ops.kind', /"kind" is required/],
    ['unknown action type', (d) => { d.rules[1].action = { type: 'escalate' }; }, 'rules[1].action.type', /unknown action type "escalate"/],
    ['window too long', (d) => { d.rules[3].when.velocity.windowHours = 2161; }, 'rules[3].when.velocity.windowHours', /between 1 and 2160 hours/],
    ['window zero', (d) => { d.rules[3].when.velocity.windowHours = 0; }, 'rules[3].when.velocity.windowHours', /between 1 and 2160 hours/],
    ['window not whole', (d) => { d.rules[3].when.velocity.windowHours = 1.5; }, 'rules[3].when.velocity.windowHours', /whole number of hours/],
    ['velocity without a limit', (d) => { d.rules[3].when.velocity = { windowHours: 24, scope: 'wallet' }; }, 'rules[3].when.velocity', /set maxAmount, maxCount or both/],
    ['velocity bad scope', (d) => { d.rules[3].when.velocity.scope = 'org'; }, 'rules[3].when.velocity.scope', /must be "wallet" or "initiator", not "org"/],
    ['decimal amount', (d) => { d.rules[0].when.amountAbove = '1.5'; }, 'rules[0].when.amountAbove', /whole number of base units/],
    ['numeric amount', (d) => { d.rules[0].when.amountAbove = 100; }, 'rules[0].when.amountAbove', /must be a string, not number 100/],
    ['bad time', (d) => { d.rules[1].when.outsideHours.start = '8:00'; }, 'rules[1].when.outsideHours.start', /'HH:MM'/],
    ['start = end', (d) => { d.rules[1].when.outsideHours.end = '08:00'; }, 'rules[1].when.outsideHours.end', /start and end are the same/],
    ['day 7', (d) => { d.rules[1].when.outsideHours.days = [1, 7]; }, 'rules[1].when.outsideHours.days[1]', /0 \(Sunday\) to 6 \(Saturday\)/],
    ['no days', (d) => { d.rules[1].when.outsideHours.days = []; }, 'rules[1].when.outsideHours.days', /at least one day/],
    ['duplicate day', (d) => { d.rules[1].when.outsideHours.days = [1, 1]; }, 'rules[1].when.outsideHours.days', /listed twice/],
    ['bad rule id', (d) => { d.rules[0].id = 'Large Payments'; }, 'rules[0].id', /A rule id must be 1–64 characters/],
    ['duplicate rule id', (d) => { d.rules[2].id = 'large-payments'; }, 'rules[2].id', /already used by rules\[0\]/],
    ['bad quorum name', (d) => { d.quorums['the board'] = d.quorums.board; }, 'quorums["the board"]', /A quorum name must be/],
    ['upper-case uuid', (d) => { d.quorums.board.children[2].userId = uid(0xabcdef).toUpperCase(); }, 'quorums.board.children[2].userId', /lower-case UUID/],
    ['wrong schema id', (d) => { d.schema = 'keystead.policy/2'; }, 'schema', /must be "keystead.policy\/1"/],
    ['missing quorums', (d) => { delete d.quorums; }, 'quorums', /is required/],
    ['unknown top-level field', (d) => { d.version = 3; }, '', /unknown field "version"/],
    ['too many rules', (d) => { d.rules = Array.from({ length: 201 }, (_, i) => ({ id: `r${i}`, when: {}, action: { type: 'allow' } })); }, 'rules', /at most 200 rules/],
    ['k not an integer', (d) => { d.quorums.ops.k = 1.5; }, 'quorums.ops.k', /k must be a whole number/],
    ['label too long', (d) => { d.quorums.ops.label = 'x'.repeat(101); }, 'quorums.ops.label', /too long \(at most 100 characters\)/],
    ['quorum tree too deep', (d) => {
      let n: any = { kind: 'wallet_approvers', k: 1 };
      for (let i = 0; i < 8; i++) n = { kind: 'and', children: [n] };
      d.quorums.deep = n;
    }, 'quorums.deep.children[0].children[0].children[0].children[0].children[0].children[0].children[0].children[0]', /at most 8 levels/],
  ])('%s', (_name, mutate, path, message) => {
    expectPolicyError(edit(mutate), 'POLICY_SCHEMA', path, message);
  });

  it.each([null, undefined, 42, 'policy', [], true])('not an object: %s', (raw) => {
    expectPolicyError(raw, 'POLICY_SCHEMA', '', /^the policy must be a JSON object, not /);
  });

  it('lists every schema issue, the first in the message', () => {
    const err = expectPolicyError(edit((d) => { d.rules[0].when.amountAbove = 'x'; d.rules[3].when.velocity.windowHours = 0; }), 'POLICY_SCHEMA', 'rules[0].when.amountAbove');
    expect(err.issues.map((i) => i.path)).toEqual(['rules[0].when.amountAbove', 'rules[3].when.velocity.windowHours']);
  });

  it('refuses absurdly nested input before parsing it', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expectPolicyError(deep, 'POLICY_SCHEMA', '', /nested more than 64 levels/);
  });
});

describe('validatePolicy: cross-reference errors', () => {
  it.each<[string, (d: Record<string, any>) => void, PolicyErrorCode, string, RegExp]>([
    ['no default quorum', (d) => { delete d.quorums.default; d.defaultAction = { type: 'deny' }; }, 'POLICY_QUORUM_MISSING', 'quorums', /no quorum named 'default'/],
    ['rule names an unknown quorum', (d) => { d.rules[1].action.quorum = 'opps'; }, 'POLICY_QUORUM_MISSING', 'rules[1].action.quorum', /no quorum named 'opps' \(defined: 'default', 'board', 'ops'\)/],
    ['default names an unknown quorum', (d) => { d.defaultAction.quorum = 'nobody'; }, 'POLICY_QUORUM_MISSING', 'defaultAction.quorum', /'nobody'/],
    ['threshold k = 0', (d) => { d.quorums.board.children[1].k = 0; }, 'POLICY_THRESHOLD_RANGE', 'quorums.board.children[1].k', /at least 1 \(it is 0\)/],
    ['threshold k > children', (d) => { d.quorums.board.children[1].k = 3; }, 'POLICY_THRESHOLD_RANGE', 'quorums.board.children[1].k', /k is 3 but there are only 2 children/],
    ['group k > members', (d) => { d.quorums.ops.k = 4; }, 'POLICY_THRESHOLD_RANGE', 'quorums.ops.k', /only 3 active members in group "Operations managers"/],
    ['nested group k > flattened members', (d) => { d.quorums.ops = { kind: 'group', groupId: G.treasury, k: 5 }; }, 'POLICY_THRESHOLD_RANGE', 'quorums.ops.k', /only 4 active members in group "Treasury"/],
    ['group k negative', (d) => { d.quorums.ops.k = -1; }, 'POLICY_THRESHOLD_RANGE', 'quorums.ops.k', /at least 1/],
    ['wallet approvers k > N', (d) => { d.quorums.default.k = 4; }, 'POLICY_THRESHOLD_RANGE', 'quorums.default.k', /k is 4 but there are only 3 active wallet approvers/],
    ['empty group', (d) => { d.quorums.ops.groupId = G.empty; }, 'POLICY_EMPTY_GROUP', 'quorums.ops.groupId', /group "Nobody" has no active members/],
    ['and without children', (d) => { d.quorums.board.children = []; }, 'POLICY_EMPTY_GROUP', 'quorums.board.children', /needs at least one child/],
    ['threshold without children', (d) => { d.quorums.board.children[1].children = []; }, 'POLICY_EMPTY_GROUP', 'quorums.board.children[1].children', /needs at least one child/],
    ['unknown user', (d) => { d.quorums.board.children[2].userId = uid(999); }, 'POLICY_UNKNOWN_PRINCIPAL', 'quorums.board.children[2].userId', /user 00000000-0000-4000-8000-0000000003e7 is not an active member/],
    ['unknown API key', (d) => { d.quorums.board.children[1].children[0].apiKeyId = K.rogue; }, 'POLICY_UNKNOWN_PRINCIPAL', 'quorums.board.children[1].children[0].apiKeyId', /does not exist or is revoked/],
    ['unknown group', (d) => { d.quorums.ops.groupId = uid(998); }, 'POLICY_UNKNOWN_PRINCIPAL', 'quorums.ops.groupId', /group 00000000-0000-4000-8000-0000000003e6 does not exist/],
    ['unknown initiator', (d) => { d.rules[2].when.initiatorIn[1] = { kind: 'user', id: uid(997) }; }, 'POLICY_UNKNOWN_PRINCIPAL', 'rules[2].when.initiatorIn[1].id', /is not an active member/],
    ['unknown time zone', (d) => { d.rules[1].when.outsideHours.timeZone = 'Europe/Atlantis'; }, 'POLICY_TIMEZONE', 'rules[1].when.outsideHours.timeZone', /"Europe\/Atlantis" is not a known IANA time zone/],
  ])('%s', (_name, mutate, code, path, message) => {
    expectPolicyError(edit(mutate), code, path, message);
  });

  const cyclic = makeDirectory({
    groups: new Map([
      ...(makeDirectory().groups as Map<string, any>),
      [G.cycA, { name: 'Signers A', members: [{ kind: 'user', id: U.alice }, { kind: 'group', id: G.cycB }] }],
      [G.cycB, { name: 'Signers B', members: [{ kind: 'user', id: U.bob }, { kind: 'group', id: G.cycC }] }],
      [G.cycC, { name: 'Signers C', members: [{ kind: 'group', id: G.cycA }] }],
      [uid(300), { name: 'Dangling', members: [{ kind: 'user', id: U.bob }, { kind: 'group', id: uid(301) }] }],
    ]),
  });

  it('reports a group cycle with its path (quorum and initiatorIn)', () => {
    expectPolicyError(edit((d) => { d.quorums.ops.groupId = G.cycB; }), 'POLICY_GROUP_CYCLE', 'quorums.ops.groupId',
      'quorums.ops.groupId: groups contain each other in a cycle: "Signers B" → "Signers C" → "Signers A" → "Signers B"; remove one of these nestings', cyclic);
    expectPolicyError(edit((d) => { d.rules[2].when.initiatorIn = [{ kind: 'group', id: G.cycA }]; }), 'POLICY_GROUP_CYCLE', 'rules[2].when.initiatorIn[0].id', /"Signers A" → "Signers B" → "Signers C" → "Signers A"/, cyclic);
    // The rest of the directory's groups are fine.
    expect(() => validatePolicy(base(), cyclic)).not.toThrow();
  });

  it('reports a nested group that does not exist', () => {
    expectPolicyError(edit((d) => { d.quorums.ops.groupId = uid(300); }), 'POLICY_UNKNOWN_PRINCIPAL', 'quorums.ops.groupId', /group "Dangling" contains group 00000000-0000-4000-8000-00000000012d, which does not exist/, cyclic);
  });
});

describe('policyHash and describePolicy', () => {
  it('hashes canonical JSON: key order does not matter, content does', () => {
    const a = validatePolicy(base(), dir);
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reverseKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)])) : v;
    const reordered = reverseKeys(a) as typeof a;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(a));
    const h = policyHash(a);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(policyHash(reordered)).toBe(h);
    expect(policyHash({ ...a, allowSelfApproval: true })).not.toBe(h);
  });

  it('the default policy hash is pinned (changing it changes every stored version hash)', () => {
    const canonical =
      '{"allowSelfApproval":false,"defaultAction":{"quorum":"default","type":"require"},"quorums":{"default":{"k":1,"kind":"wallet_approvers"}},' +
      '"rules":[],"schema":"keystead.policy/1","whitelist":{"mode":"disabled"}}';
    expect(createHash('sha256').update(canonical).digest('hex')).toBe('7d66b4aed75dbb6c34ea4eac6b0071025baf26edf645cc6dddeafd8c5b14bf5a');
    expect(policyHash(defaultPolicy())).toBe('7d66b4aed75dbb6c34ea4eac6b0071025baf26edf645cc6dddeafd8c5b14bf5a');
  });

  it('describes every part', () => {
    const doc = validatePolicy(base(), dir);
    expect(describePolicy(doc, dir, { formatAmount: (n) => formatSats(n, 'BTC') })).toEqual([
      'Whitelist: required (every destination must be a whitelist entry past its cooling-off period)',
      'Self-approval: not allowed (the initiator’s approval never counts)',
      "Quorum 'default': 1 of wallet approvers",
      "Quorum 'board': Board payment",
      "Quorum 'ops': 2 of Operations managers",
      "Rule large-payments: if amount above 1 BTC → requires quorum 'board' (Over 1 BTC)",
      "Rule after-hours: if outside Mon, Tue, Wed, Thu, Fri 08:00–18:00 Europe/Zurich → requires quorum 'ops'",
      'Rule bots: if initiated by build-server or members of Treasury → allowed without approval',
      'Rule velocity: if the wallet sends more than 5 BTC or more than 10 payments within 24 h → denied',
      "Otherwise: requires quorum 'default'",
    ]);
  });
});
