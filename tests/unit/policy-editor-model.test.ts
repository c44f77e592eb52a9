/**
 * components/controls/policy-model.ts: the policy editor's document types agree with the engine's,
 * documents survive form round trips exactly (amounts in BTC ↔ sats strings), what the form builds
 * passes the engine's validation, and the form reports its own mistakes before proposing.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '@/lib/audit/canonical-json';
import {
  btcToSatsString,
  documentToForm,
  emptyNode,
  formToDocument,
  newRule,
  satsStringToBtc,
  type PolicyDocument as EditorDocument,
  type PolicyForm,
} from '@/components/controls/policy-model';
import { validatePolicy, type PolicyDocument as EngineDocument } from '@/server/policy';
import { G, K, U, makeDirectory } from './policy/fixtures';

// Compile-time: the browser mirror and the engine's type are the same type.
type Equals<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const mirrorMatches: Equals<EditorDocument, EngineDocument> = true;
void mirrorMatches;

const RICH: EngineDocument = {
  schema: 'keystead.policy/1',
  allowSelfApproval: false,
  whitelist: { mode: 'required' },
  quorums: {
    default: { kind: 'wallet_approvers', k: 2 },
    large: {
      kind: 'and',
      label: 'Large payment',
      children: [
        { kind: 'threshold', k: 2, children: [{ kind: 'group', groupId: G.ops, k: 1 }, { kind: 'user', label: 'Department head', userId: U.dana }, { kind: 'api_key', apiKeyId: K.build }] },
        { kind: 'wallet_approvers', k: 1 },
      ],
    },
  },
  rules: [
    { id: 'large-payments', description: 'Above 1.5 BTC the department head signs too', when: { amountAbove: '150000000' }, action: { type: 'require', quorum: 'large' } },
    { id: 'any', when: { amountAbove: '0' }, action: { type: 'allow' } },
    { id: 'daily', when: { velocity: { windowHours: 24, scope: 'wallet', maxAmount: '1', maxCount: 10 } }, action: { type: 'deny' } },
    { id: 'night', when: { outsideHours: { timeZone: 'Europe/Zurich', days: [1, 2, 3, 4, 5], start: '08:00', end: '24:00' } }, action: { type: 'deny' } },
    { id: 'bots', when: { initiatorIn: [{ kind: 'api_key', id: K.deploy }, { kind: 'group', id: G.api }], amountAbove: '2100000000000000' }, action: { type: 'require', quorum: 'default' } },
  ],
  defaultAction: { type: 'require', quorum: 'default' },
};

function roundTrip(doc: unknown) {
  const read = documentToForm(doc);
  if (!read.form) throw new Error(read.reason);
  return formToDocument(read.form);
}

describe('amounts', () => {
  it.each([
    ['1.5', '150000000'],
    ['0.00000001', '1'],
    ['21000000', '2100000000000000'],
    ['0', '0'],
    ['0.0', '0'],
    [' 0.1 ', '10000000'],
  ])('%s BTC is %s sats, and back', (btc, sats) => {
    expect(btcToSatsString(btc)).toBe(sats);
    expect(btcToSatsString(satsStringToBtc(sats))).toBe(sats);
  });

  it.each(['1,5', '1e3', '-1', '0.000000001', '21000001', 'abc', ''])('%j is refused', (text) => {
    expect(() => btcToSatsString(text)).toThrow();
  });
});

describe('document ↔ form', () => {
  it('a rich document comes back byte for byte (canonical JSON) and passes the engine', () => {
    const { document, errors } = roundTrip(RICH);
    expect(errors).toEqual([]);
    expect(canonicalJson(document)).toBe(canonicalJson(RICH));
    expect(validatePolicy(document, makeDirectory())).toEqual(RICH);
  });

  it('fields with defaults may be left out of the JSON; the form fills them in', () => {
    const { document, errors } = roundTrip({ schema: 'keystead.policy/1', quorums: { default: { kind: 'wallet_approvers', k: 1 } } });
    expect(errors).toEqual([]);
    expect(document).toEqual({ schema: 'keystead.policy/1', allowSelfApproval: false, whitelist: { mode: 'disabled' }, quorums: { default: { kind: 'wallet_approvers', k: 1 } }, rules: [], defaultAction: { type: 'require', quorum: 'default' } });
  });

  it.each([
    [null, /not an object/],
    [{ ...RICH, extra: 1 }, /extra is not a field/],
    [{ ...RICH, schema: 'keystead.policy/2' }, /schema/],
    [{ ...RICH, rules: [{ id: 'x', when: { colour: 'red' }, action: { type: 'deny' } }] }, /rules\[0\]\.when\.colour/],
    [{ ...RICH, rules: [{ id: 'x', when: { amountAbove: 5 }, action: { type: 'deny' } }] }, /rules\[0\]\.when\.amountAbove/],
    [{ ...RICH, quorums: { default: { kind: 'board', k: 1 } } }, /quorums\.default\.kind/],
    [{ ...RICH, quorums: { default: { kind: 'wallet_approvers', k: 1.5 } } }, /quorums\.default\.k/],
  ])('a document the form cannot show is explained, not guessed (%#)', (doc, reason) => {
    const read = documentToForm(doc);
    expect(read.form).toBeUndefined();
    expect(read.reason).toMatch(reason);
  });
});

describe('the form', () => {
  function base(): PolicyForm {
    return documentToForm({ schema: 'keystead.policy/1', quorums: { default: { kind: 'wallet_approvers', k: 2 } } }).form!;
  }

  it('builds a tree of people, groups and API keys that the engine accepts', () => {
    const form = base();
    const root = emptyNode('threshold');
    root.k = '2';
    root.children = [
      { ...emptyNode('user'), userId: U.alice },
      { ...emptyNode('group'), groupId: G.ops, k: '2' },
      { ...emptyNode('api_key'), apiKeyId: K.build, label: 'Build server' },
    ];
    form.quorums[0]!.root = root;
    const rule = newRule('amount', []);
    rule.amount.btc = '0.5';
    form.rules.push(rule);
    const { document, errors } = formToDocument(form);
    expect(errors).toEqual([]);
    expect(document.rules).toEqual([{ id: 'large-payments', when: { amountAbove: '50000000' }, action: { type: 'require', quorum: 'default' } }]);
    expect(validatePolicy(document, makeDirectory()).quorums.default).toEqual({
      kind: 'threshold',
      k: 2,
      children: [
        { kind: 'user', userId: U.alice },
        { kind: 'group', groupId: G.ops, k: 2 },
        { kind: 'api_key', label: 'Build server', apiKeyId: K.build },
      ],
    });
  });

  it('new rules get unique ids', () => {
    expect(newRule('amount', ['large-payments', 'large-payments-2']).id).toBe('large-payments-3');
  });

  it('reports what it can see before proposing, keyed to the field', () => {
    const form = base();
    form.quorums[0]!.root = { ...emptyNode('threshold'), k: '3', children: [{ ...emptyNode('user') }] };
    const amount = newRule('amount', []);
    amount.amount.btc = '1,5';
    const velocity = newRule('velocity', []);
    const hours = newRule('hours', []);
    hours.hours.days = [];
    hours.hours.end = '08:00';
    hours.hours.start = '08:00';
    const dup = newRule('initiators', []);
    dup.id = 'large-payments';
    dup.action = { type: 'require', quorum: 'board' };
    form.rules.push(amount, velocity, hours, dup);
    const { errors } = formToDocument(form);
    const messages = errors.map((e) => e.message).join('\n');
    expect(messages).toMatch(/Quorum “default”: k is 3 but there are only 1 conditions/);
    expect(messages).toMatch(/condition 1: choose a person/);
    expect(messages).toMatch(/Rule 1 \(large-payments\), amount: .*digits/);
    expect(messages).toMatch(/Rule 2 \(daily-limit\): set a total amount, a number of payments, or both/);
    expect(messages).toMatch(/Rule 3 \(outside-hours\): tick at least one business day/);
    expect(messages).toMatch(/start and end are the same/);
    expect(messages).toMatch(/Rule 4 \(large-payments\): another rule already has the id/);
    expect(messages).toMatch(/choose at least one person, group or API key/);
    expect(messages).toMatch(/choose one of the quorums \(default\)/);
    expect(errors.every((e) => e.key.length > 0)).toBe(true);
  });
});
