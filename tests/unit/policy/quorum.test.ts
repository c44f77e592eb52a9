/**
 * server/policy/quorum.ts: hierarchical quorums, exclusions, nested groups, what is missing,
 * who can contribute, and whether a quorum can still be met after rejections.
 */
import { describe, expect, it } from 'vitest';
import {
  canStillBeSatisfied,
  describeQuorum,
  evaluateQuorum,
  explainMissing,
  findGroupCycle,
  flattenGroup,
  quorumPrincipals,
  type Principal,
  type QuorumContext,
  type QuorumNode,
} from '@/server/policy';
import { G, HIERARCHY, K, U, key, makeDirectory, user } from './fixtures';

const dir = makeDirectory();
const ctx = (excluded: Principal[] = []): QuorumContext => ({ ...dir, excluded });

describe('hierarchical quorum: 2 of 3 ops managers AND 1 of 2 API servers AND the department head', () => {
  const cases: Array<{ name: string; approvals: Principal[]; satisfied: boolean; missing: string[] }> = [
    { name: 'nobody', approvals: [], satisfied: false, missing: [
      'needs 2 more approvals from Operations managers (have 0 of 2)',
      'needs 1 more approval from API servers (have 0 of 1)',
      'needs Department head (Dana)',
    ] },
    { name: 'everything but the department head', approvals: [user(U.alice), user(U.bob), key(K.build)], satisfied: false, missing: [
      'needs Department head (Dana)',
    ] },
    { name: 'one manager short', approvals: [user(U.alice), key(K.deploy), user(U.dana)], satisfied: false, missing: [
      'needs 1 more approval from Operations managers (have 1 of 2)',
    ] },
    { name: 'no API server', approvals: [user(U.carol), user(U.bob), user(U.dana)], satisfied: false, missing: [
      'needs 1 more approval from API servers (have 0 of 1)',
    ] },
    { name: 'exactly enough', approvals: [user(U.carol), user(U.bob), key(K.build), user(U.dana)], satisfied: true, missing: [] },
    { name: 'more than enough', approvals: [user(U.alice), user(U.bob), user(U.carol), key(K.build), key(K.deploy), user(U.dana)], satisfied: true, missing: [] },
    { name: 'duplicate approvals count once', approvals: [user(U.alice), user(U.alice), key(K.build), user(U.dana)], satisfied: false, missing: [
      'needs 1 more approval from Operations managers (have 1 of 2)',
    ] },
    { name: 'outsiders do not count', approvals: [user(U.erin), user(U.frank), key(K.rogue), user(U.alice), key(K.build), user(U.dana)], satisfied: false, missing: [
      'needs 1 more approval from Operations managers (have 1 of 2)',
    ] },
  ];
  it.each(cases)('$name', ({ approvals, satisfied, missing }) => {
    const a = evaluateQuorum(HIERARCHY, approvals, ctx());
    expect(a.satisfied).toBe(satisfied);
    expect(explainMissing(a, dir)).toEqual(missing);
  });

  it('annotates each node with have / need / approvedBy', () => {
    const a = evaluateQuorum(HIERARCHY, [user(U.bob), key(K.deploy), user(U.erin), user(U.alice)], ctx());
    expect(a.kind).toBe('and');
    if (a.kind !== 'and') return;
    expect({ have: a.have, need: a.need, satisfied: a.satisfied }).toEqual({ have: 2, need: 3, satisfied: false });
    expect(a.approvedBy).toEqual([user(U.bob), key(K.deploy), user(U.alice)]); // approval order, Erin not eligible anywhere
    const [ops, api, head] = a.children;
    expect(ops).toMatchObject({ kind: 'group', have: 2, need: 2, satisfied: true, approvedBy: [user(U.bob), user(U.alice)] });
    expect(api).toMatchObject({ kind: 'threshold', have: 1, need: 1, satisfied: true, approvedBy: [key(K.deploy)] });
    expect(head).toMatchObject({ kind: 'user', have: 0, need: 1, satisfied: false, approvedBy: [], eligible: [user(U.dana)] });
  });

  it('excluded principals (the initiator) never count, and the explanation says when a branch is dead', () => {
    const approvals = [user(U.alice), user(U.bob), key(K.build), user(U.dana)];
    expect(evaluateQuorum(HIERARCHY, approvals, ctx()).satisfied).toBe(true);
    const withoutDana = evaluateQuorum(HIERARCHY, approvals, ctx([user(U.dana)]));
    expect(withoutDana.satisfied).toBe(false);
    expect(explainMissing(withoutDana, dir)).toEqual(['needs Department head (Dana); not eligible to approve this request']);
    const withoutAlice = evaluateQuorum(HIERARCHY, approvals, ctx([user(U.alice)]));
    expect(explainMissing(withoutAlice, dir)).toEqual(['needs 1 more approval from Operations managers (have 1 of 2)']);
  });

  it('lists every principal who can contribute, minus the excluded', () => {
    expect(quorumPrincipals(HIERARCHY, ctx())).toEqual([user(U.alice), user(U.bob), user(U.carol), key(K.build), key(K.deploy), user(U.dana)]);
    expect(quorumPrincipals(HIERARCHY, ctx([user(U.bob), key(K.build)]))).toEqual([user(U.alice), user(U.carol), key(K.deploy), user(U.dana)]);
  });

  it.each([
    { rejected: [], can: true },
    { rejected: [user(U.alice)], can: true },
    { rejected: [user(U.alice), user(U.bob)], can: false }, // only Carol left of the managers
    { rejected: [key(K.build)], can: true },
    { rejected: [key(K.build), key(K.deploy)], can: false },
    { rejected: [user(U.dana)], can: false },
    { rejected: [user(U.erin), user(U.frank)], can: true }, // not in the quorum: irrelevant
  ])('canStillBeSatisfied after rejections by $rejected.length principal(s) → $can', ({ rejected, can }) => {
    expect(canStillBeSatisfied(HIERARCHY, rejected, ctx())).toBe(can);
  });

  it('describes the tree in one line', () => {
    expect(describeQuorum(HIERARCHY, dir)).toBe('Board payment');
    const { label: _label, ...unlabelled } = HIERARCHY as Extract<QuorumNode, { kind: 'and' }>;
    expect(describeQuorum(unlabelled, dir)).toBe('all of (2 of Operations managers, API servers, Department head (Dana))');
  });
});

describe('leaves', () => {
  it('wallet_approvers: k of the wallet approvers (the default 1-of-N)', () => {
    const node: QuorumNode = { kind: 'wallet_approvers', k: 2 };
    expect(evaluateQuorum(node, [user(U.alice)], ctx()).satisfied).toBe(false);
    expect(evaluateQuorum(node, [user(U.alice), user(U.bob)], ctx()).satisfied).toBe(false); // Bob is not a wallet approver
    expect(evaluateQuorum(node, [user(U.alice), user(U.frank)], ctx()).satisfied).toBe(true);
    const a = evaluateQuorum(node, [user(U.alice)], ctx([user(U.dana), user(U.frank)]));
    expect(explainMissing(a, dir)).toEqual(['needs 1 more approval from wallet approvers (have 1 of 2); cannot be met: only 1 eligible']);
  });

  it('group members nested through other groups are flattened once each', () => {
    expect(flattenGroup(G.treasury, dir.groups)).toEqual([user(U.alice), user(U.bob), user(U.carol), user(U.dana)]);
    const node: QuorumNode = { kind: 'group', groupId: G.treasury, k: 3 };
    expect(evaluateQuorum(node, [user(U.alice), user(U.dana)], ctx()).satisfied).toBe(false);
    expect(evaluateQuorum(node, [user(U.alice), user(U.dana), user(U.carol)], ctx()).satisfied).toBe(true);
  });

  it('a cycle contributes nothing twice and does not loop; findGroupCycle reports the path', () => {
    const groups = new Map([
      [G.cycA, { name: 'A', members: [user(U.alice), { kind: 'group' as const, id: G.cycB }] }],
      [G.cycB, { name: 'B', members: [user(U.bob), { kind: 'group' as const, id: G.cycC }] }],
      [G.cycC, { name: 'C', members: [{ kind: 'group' as const, id: G.cycA }] }],
    ]);
    expect(flattenGroup(G.cycA, groups)).toEqual([user(U.alice), user(U.bob)]);
    expect(findGroupCycle(groups)).toEqual([G.cycA, G.cycB, G.cycC, G.cycA]);
    expect(findGroupCycle(dir.groups)).toBeNull();
  });

  it('users / API keys missing from the directory (deactivated, revoked) are not eligible', () => {
    const node: QuorumNode = { kind: 'user', userId: U.dana };
    const users = new Map(dir.users as Map<string, { name: string }>);
    users.delete(U.dana);
    expect(evaluateQuorum(node, [user(U.dana)], ctx()).satisfied).toBe(true);
    expect(evaluateQuorum(node, [user(U.dana)], { ...ctx(), users }).satisfied).toBe(false);
    expect(canStillBeSatisfied(node, [], { ...ctx(), users })).toBe(false);
  });

  it('one principal satisfies every leaf that names them (documented choice)', () => {
    // Alice is an operations manager and a wallet approver.
    const node: QuorumNode = { kind: 'and', children: [{ kind: 'group', groupId: G.ops, k: 1 }, { kind: 'wallet_approvers', k: 1 }] };
    expect(evaluateQuorum(node, [user(U.alice)], ctx()).satisfied).toBe(true);
  });

  it('threshold without a label lists the open branches', () => {
    const node: QuorumNode = { kind: 'threshold', k: 2, children: [{ kind: 'user', userId: U.alice }, { kind: 'user', userId: U.bob }, { kind: 'api_key', apiKeyId: K.build }] };
    const a = evaluateQuorum(node, [user(U.bob)], ctx());
    expect(explainMissing(a, dir)).toEqual(['needs 1 more of: Alice, build-server (API key) (have 1 of 2)']);
  });

  it('fails closed on malformed trees (empty and, k = 0)', () => {
    expect(evaluateQuorum({ kind: 'and', children: [] }, [user(U.alice)], ctx()).satisfied).toBe(false);
    expect(evaluateQuorum({ kind: 'wallet_approvers', k: 0 }, [], ctx()).satisfied).toBe(false);
    expect(evaluateQuorum({ kind: 'threshold', k: 0, children: [{ kind: 'user', userId: U.bob }] }, [], ctx()).satisfied).toBe(false);
  });
});
