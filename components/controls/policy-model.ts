/**
 * The policy editor's model: the policy document `keystead.policy/1` as the browser sees it, the
 * form that edits it, and exact conversions both ways. Pure functions (no React), so they are
 * unit-tested (tests/unit/policy-editor-model.test.ts).
 *
 * The document types are the engine's own (server/policy/types.ts: types and one constant, no
 * server code). The server validates every proposal in full
 * (server/policy/validate.ts) and names the path of the first problem; the checks here only catch
 * what a form can get wrong early (an amount that is not BTC, an empty choice).
 *
 * Amounts are typed in BTC and stored as decimal strings of sats, converted with string
 * arithmetic (lib/bitcoin/amount): never through floating point.
 */
import { parseBtcAmount, satsToBtcString } from '@/lib/bitcoin/amount';
import { POLICY_SCHEMA_ID, type PolicyAction, type PolicyDocument, type PolicyRule, type PrincipalRef, type QuorumNode, type RuleConditions, type VelocityCondition } from '@/server/policy/types';

// ---------------------------------------------------------------------------------------------
// The document: the engine's own types (server/policy/types.ts is plain TypeScript, no zod)
// ---------------------------------------------------------------------------------------------


export { POLICY_SCHEMA_ID };
export type { OutsideHoursCondition, PolicyAction, PolicyDocument, PolicyRule, PrincipalRef, QuorumNode, RuleConditions, VelocityCondition } from '@/server/policy/types';

/** Who a policy may name, from policies.get. */
export interface PolicyDirectory {
  users: { id: string; name: string }[];
  apiKeys: { id: string; name: string }[];
  groups: { id: string; name: string; size: number }[];
  walletApprovers: string[];
}

// ---------------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------------

export type NodeKind = QuorumNode['kind'];

export const NODE_KINDS: { kind: NodeKind; label: string }[] = [
  { kind: 'wallet_approvers', label: 'k of the wallet approvers' },
  { kind: 'threshold', label: 'At least k of these (k of N)' },
  { kind: 'and', label: 'All of these (AND)' },
  { kind: 'user', label: 'A person' },
  { kind: 'group', label: 'k members of a group' },
  { kind: 'api_key', label: 'An API key' },
];

/** One quorum node; every field is kept when the kind changes, only the kind's own ones are used. */
export interface NodeForm {
  key: string;
  kind: NodeKind;
  label: string;
  /** Text of k (wallet_approvers, threshold, group). */
  k: string;
  userId: string;
  apiKeyId: string;
  groupId: string;
  children: NodeForm[];
}

export interface QuorumForm {
  key: string;
  name: string;
  root: NodeForm;
}

export interface ActionForm {
  type: 'allow' | 'deny' | 'require';
  quorum: string;
}

export interface RuleForm {
  key: string;
  id: string;
  description: string;
  amount: { on: boolean; btc: string };
  velocity: { on: boolean; windowHours: string; scope: 'wallet' | 'initiator'; maxBtc: string; maxCount: string };
  hours: { on: boolean; timeZone: string; days: number[]; start: string; end: string };
  initiators: { on: boolean; refs: PrincipalRef[] };
  action: ActionForm;
}

export interface PolicyForm {
  allowSelfApproval: boolean;
  whitelistRequired: boolean;
  /** 'default' first; other named quorums follow. */
  quorums: QuorumForm[];
  rules: RuleForm[];
  defaultAction: ActionForm;
}

export type RuleType = 'amount' | 'velocity' | 'hours' | 'initiators';

export const RULE_TYPES: { type: RuleType; label: string }[] = [
  { type: 'amount', label: 'Amount above a limit' },
  { type: 'velocity', label: 'Too much or too often in a time window' },
  { type: 'hours', label: 'Outside business hours' },
  { type: 'initiators', label: 'Initiated by certain people' },
];

export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

let nextKey = 0;
/** A stable React key for rows the person adds and removes. */
export function newKey(): string {
  nextKey += 1;
  return `f${nextKey}`;
}

export function emptyNode(kind: NodeKind = 'wallet_approvers'): NodeForm {
  return { key: newKey(), kind, label: '', k: kind === 'threshold' || kind === 'wallet_approvers' || kind === 'group' ? '1' : '', userId: '', apiKeyId: '', groupId: '', children: [] };
}

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function newRule(type: RuleType, existingIds: readonly string[], defaultQuorum = 'default'): RuleForm {
  const base = { amount: 'large-payments', velocity: 'daily-limit', hours: 'outside-hours', initiators: 'by-initiator' }[type];
  let id = base;
  for (let n = 2; existingIds.includes(id); n++) id = `${base}-${n}`;
  return {
    key: newKey(),
    id,
    description: '',
    amount: { on: type === 'amount', btc: '' },
    velocity: { on: type === 'velocity', windowHours: '24', scope: 'wallet', maxBtc: '', maxCount: '' },
    hours: { on: type === 'hours', timeZone: browserTimeZone(), days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' },
    initiators: { on: type === 'initiators', refs: [] },
    action: type === 'hours' || type === 'velocity' ? { type: 'deny', quorum: defaultQuorum } : { type: 'require', quorum: defaultQuorum },
  };
}

// ---------------------------------------------------------------------------------------------
// Amounts
// ---------------------------------------------------------------------------------------------

/** BTC text → sats as a decimal string, exactly. Zero is allowed ("above 0" = any amount). */
export function btcToSatsString(text: string): string {
  if (/^\s*0+(\.0+)?\s*$/.test(text)) return '0';
  return parseBtcAmount(text).toString();
}

/** Sats (decimal string) → BTC text, exactly. */
export function satsStringToBtc(sats: string): string {
  if (!/^(0|[1-9][0-9]*)$/.test(sats)) throw new TypeError(`not a decimal string of sats: ${sats}`);
  return satsToBtcString(BigInt(sats));
}

/** BitcoinError messages already say what to do next. */
function amountError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------
// Form → document
// ---------------------------------------------------------------------------------------------

/** A problem the form can see before proposing; `key` names the input it belongs to. */
export interface FormError {
  key: string;
  message: string;
}

const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const HHMM_START = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const HHMM_END = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

/** Field keys, shared by the form (to show errors beside inputs) and formToDocument. */
export const fieldKey = {
  quorumName: (q: QuorumForm) => `quorum:${q.key}:name`,
  node: (n: NodeForm, field: 'k' | 'who' | 'children') => `node:${n.key}:${field}`,
  rule: (r: RuleForm, field: 'id' | 'amount' | 'velocity' | 'windowHours' | 'maxBtc' | 'maxCount' | 'hours' | 'timeZone' | 'days' | 'start' | 'end' | 'initiators' | 'action') => `rule:${r.key}:${field}`,
  defaultAction: 'defaultAction',
} as const;

function wholeNumber(text: string): number | null {
  return /^\s*[0-9]{1,9}\s*$/.test(text) ? Number(text.trim()) : null;
}

function nodeToDocument(node: NodeForm, where: string, errors: FormError[]): QuorumNode {
  const label = node.label.trim() ? { label: node.label.trim() } : {};
  const k = wholeNumber(node.k);
  const needK = (max?: number) => {
    if (k === null || k < 1) errors.push({ key: fieldKey.node(node, 'k'), message: `${where}: k must be a whole number of at least 1.` });
    else if (max !== undefined && k > max) errors.push({ key: fieldKey.node(node, 'k'), message: `${where}: k is ${k} but there are only ${max} conditions under it.` });
    return k ?? 0;
  };
  switch (node.kind) {
    case 'wallet_approvers':
      return { kind: 'wallet_approvers', ...label, k: needK() };
    case 'user':
      if (!node.userId) errors.push({ key: fieldKey.node(node, 'who'), message: `${where}: choose a person.` });
      return { kind: 'user', ...label, userId: node.userId };
    case 'api_key':
      if (!node.apiKeyId) errors.push({ key: fieldKey.node(node, 'who'), message: `${where}: choose an API key.` });
      return { kind: 'api_key', ...label, apiKeyId: node.apiKeyId };
    case 'group':
      if (!node.groupId) errors.push({ key: fieldKey.node(node, 'who'), message: `${where}: choose a group.` });
      return { kind: 'group', ...label, groupId: node.groupId, k: needK() };
    case 'and':
    case 'threshold': {
      if (node.children.length === 0) errors.push({ key: fieldKey.node(node, 'children'), message: `${where}: add at least one condition under it.` });
      const children = node.children.map((c, i) => nodeToDocument(c, `${where} › condition ${i + 1}`, errors));
      return node.kind === 'and' ? { kind: 'and', ...label, children } : { kind: 'threshold', ...label, k: needK(node.children.length || undefined), children };
    }
  }
}

function actionToDocument(action: ActionForm, quorumNames: string[], key: string, where: string, errors: FormError[]): PolicyAction {
  if (action.type !== 'require') return { type: action.type };
  if (!quorumNames.includes(action.quorum)) errors.push({ key, message: `${where}: choose one of the quorums (${quorumNames.join(', ')}).` });
  return { type: 'require', quorum: action.quorum };
}

function ruleToDocument(rule: RuleForm, index: number, quorumNames: string[], seenIds: Set<string>, errors: FormError[]): PolicyRule {
  const where = `Rule ${index + 1}${rule.id ? ` (${rule.id})` : ''}`;
  const id = rule.id.trim();
  if (!SLUG.test(id)) errors.push({ key: fieldKey.rule(rule, 'id'), message: `${where}: the rule id must be 1–64 characters of a-z, 0-9, '-' or '_'.` });
  else if (seenIds.has(id)) errors.push({ key: fieldKey.rule(rule, 'id'), message: `${where}: another rule already has the id “${id}”.` });
  seenIds.add(id);
  const when: RuleConditions = {};
  if (rule.amount.on) {
    try {
      when.amountAbove = btcToSatsString(rule.amount.btc);
    } catch (error) {
      errors.push({ key: fieldKey.rule(rule, 'amount'), message: `${where}, amount: ${amountError(error)}` });
    }
  }
  if (rule.velocity.on) {
    const v = rule.velocity;
    const windowHours = wholeNumber(v.windowHours);
    if (windowHours === null || windowHours < 1 || windowHours > 2160) errors.push({ key: fieldKey.rule(rule, 'windowHours'), message: `${where}: the time window must be a whole number of hours between 1 and 2160 (90 days).` });
    const velocity: VelocityCondition = { windowHours: windowHours ?? 0, scope: v.scope };
    if (v.maxBtc.trim()) {
      try {
        velocity.maxAmount = btcToSatsString(v.maxBtc);
      } catch (error) {
        errors.push({ key: fieldKey.rule(rule, 'maxBtc'), message: `${where}, total limit: ${amountError(error)}` });
      }
    }
    if (v.maxCount.trim()) {
      const n = wholeNumber(v.maxCount);
      if (n === null || n > 1_000_000) errors.push({ key: fieldKey.rule(rule, 'maxCount'), message: `${where}: the number of payments must be a whole number (0 to 1,000,000).` });
      else velocity.maxCount = n;
    }
    if (!v.maxBtc.trim() && !v.maxCount.trim()) errors.push({ key: fieldKey.rule(rule, 'velocity'), message: `${where}: set a total amount, a number of payments, or both.` });
    when.velocity = velocity;
  }
  if (rule.hours.on) {
    const h = rule.hours;
    if (!h.timeZone.trim()) errors.push({ key: fieldKey.rule(rule, 'timeZone'), message: `${where}: give a time zone such as Europe/Zurich.` });
    if (h.days.length === 0) errors.push({ key: fieldKey.rule(rule, 'days'), message: `${where}: tick at least one business day.` });
    if (!HHMM_START.test(h.start)) errors.push({ key: fieldKey.rule(rule, 'start'), message: `${where}: the start must be a time HH:MM between 00:00 and 23:59.` });
    if (!HHMM_END.test(h.end)) errors.push({ key: fieldKey.rule(rule, 'end'), message: `${where}: the end must be a time HH:MM between 00:00 and 24:00.` });
    else if (h.start === h.end) errors.push({ key: fieldKey.rule(rule, 'end'), message: `${where}: start and end are the same; for the whole day use 00:00 to 24:00.` });
    when.outsideHours = { timeZone: h.timeZone.trim(), days: [...h.days].sort((a, b) => a - b), start: h.start, end: h.end };
  }
  if (rule.initiators.on) {
    if (rule.initiators.refs.length === 0) errors.push({ key: fieldKey.rule(rule, 'initiators'), message: `${where}: choose at least one person, group or API key.` });
    when.initiatorIn = rule.initiators.refs.map((r) => ({ kind: r.kind, id: r.id }) as PrincipalRef);
  }
  const action = actionToDocument(rule.action, quorumNames, fieldKey.rule(rule, 'action'), where, errors);
  return { id, ...(rule.description.trim() ? { description: rule.description.trim() } : {}), when, action };
}

/** The document the form describes, or the problems that keep it from being one. */
export function formToDocument(form: PolicyForm): { document: PolicyDocument; errors: FormError[] } {
  const errors: FormError[] = [];
  const quorums: Record<string, QuorumNode> = {};
  for (const q of form.quorums) {
    const name = q.name.trim();
    if (!SLUG.test(name)) errors.push({ key: fieldKey.quorumName(q), message: `Quorum “${name}”: a quorum name is 1–64 characters of a-z, 0-9, '-' or '_'.` });
    else if (name in quorums) errors.push({ key: fieldKey.quorumName(q), message: `Two quorums are called “${name}”.` });
    quorums[name] = nodeToDocument(q.root, `Quorum “${name}”`, errors);
  }
  if (!('default' in quorums)) errors.push({ key: 'quorums', message: 'The policy needs a quorum called “default”.' });
  const names = Object.keys(quorums);
  const seen = new Set<string>();
  const rules = form.rules.map((r, i) => ruleToDocument(r, i, names, seen, errors));
  const defaultAction = actionToDocument(form.defaultAction, names, fieldKey.defaultAction, 'Otherwise', errors);
  return {
    document: { schema: POLICY_SCHEMA_ID, allowSelfApproval: form.allowSelfApproval, whitelist: { mode: form.whitelistRequired ? 'required' : 'disabled' }, quorums, rules, defaultAction },
    errors,
  };
}

// ---------------------------------------------------------------------------------------------
// Document → form (for the JSON editor: the form follows valid JSON it can show)
// ---------------------------------------------------------------------------------------------

class Unreadable extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fields(v: unknown, path: string, allowed: string[], required: string[] = []): Obj {
  if (!isObj(v)) throw new Unreadable(`${path} is not an object`);
  for (const k of Object.keys(v)) if (!allowed.includes(k)) throw new Unreadable(`${path}.${k} is not a field the form knows`);
  for (const k of required) if (!(k in v)) throw new Unreadable(`${path}.${k} is missing`);
  return v;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new Unreadable(`${path} must be text`);
  return v;
}

function int(v: unknown, path: string): string {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Unreadable(`${path} must be a whole number`);
  return String(v);
}

function sats(v: unknown, path: string): string {
  try {
    return satsStringToBtc(str(v, path));
  } catch {
    throw new Unreadable(`${path} must be a whole number of sats written as text, e.g. "100000000"`);
  }
}

function label(o: Obj, path: string): string {
  return o.label === undefined ? '' : str(o.label, `${path}.label`);
}

function readNode(v: unknown, path: string, depth = 0): NodeForm {
  if (depth > 8) throw new Unreadable(`${path} is nested too deeply`);
  if (!isObj(v)) throw new Unreadable(`${path} is not an object`);
  const node = emptyNode();
  switch (v.kind) {
    case 'wallet_approvers': {
      const o = fields(v, path, ['kind', 'label', 'k'], ['k']);
      return { ...node, kind: 'wallet_approvers', label: label(o, path), k: int(o.k, `${path}.k`) };
    }
    case 'user': {
      const o = fields(v, path, ['kind', 'label', 'userId'], ['userId']);
      return { ...node, kind: 'user', label: label(o, path), userId: str(o.userId, `${path}.userId`) };
    }
    case 'api_key': {
      const o = fields(v, path, ['kind', 'label', 'apiKeyId'], ['apiKeyId']);
      return { ...node, kind: 'api_key', label: label(o, path), apiKeyId: str(o.apiKeyId, `${path}.apiKeyId`) };
    }
    case 'group': {
      const o = fields(v, path, ['kind', 'label', 'groupId', 'k'], ['groupId', 'k']);
      return { ...node, kind: 'group', label: label(o, path), groupId: str(o.groupId, `${path}.groupId`), k: int(o.k, `${path}.k`) };
    }
    case 'and':
    case 'threshold': {
      const o = fields(v, path, v.kind === 'and' ? ['kind', 'label', 'children'] : ['kind', 'label', 'k', 'children'], v.kind === 'and' ? ['children'] : ['k', 'children']);
      if (!Array.isArray(o.children)) throw new Unreadable(`${path}.children must be a list`);
      const children = o.children.map((c, i) => readNode(c, `${path}.children[${i}]`, depth + 1));
      return { ...node, kind: v.kind, label: label(o, path), k: v.kind === 'threshold' ? int(o.k, `${path}.k`) : '', children };
    }
    default:
      throw new Unreadable(`${path}.kind must be one of and, threshold, user, api_key, group, wallet_approvers`);
  }
}

function readAction(v: unknown, path: string): ActionForm {
  const o = fields(v, path, ['type', 'quorum'], ['type']);
  if (o.type === 'allow' || o.type === 'deny') {
    if ('quorum' in o) throw new Unreadable(`${path}.quorum is only for type "require"`);
    return { type: o.type, quorum: 'default' };
  }
  if (o.type === 'require') return { type: 'require', quorum: str(o.quorum, `${path}.quorum`) };
  throw new Unreadable(`${path}.type must be allow, deny or require`);
}

function readRule(v: unknown, path: string): RuleForm {
  const o = fields(v, path, ['id', 'description', 'when', 'action'], ['id', 'when', 'action']);
  const w = fields(o.when, `${path}.when`, ['amountAbove', 'velocity', 'outsideHours', 'initiatorIn']);
  const rule = newRule('amount', []);
  rule.amount.on = false;
  rule.id = str(o.id, `${path}.id`);
  rule.description = o.description === undefined ? '' : str(o.description, `${path}.description`);
  if (w.amountAbove !== undefined) rule.amount = { on: true, btc: sats(w.amountAbove, `${path}.when.amountAbove`) };
  if (w.velocity !== undefined) {
    const p = `${path}.when.velocity`;
    const vel = fields(w.velocity, p, ['windowHours', 'scope', 'maxAmount', 'maxCount'], ['windowHours', 'scope']);
    if (vel.scope !== 'wallet' && vel.scope !== 'initiator') throw new Unreadable(`${p}.scope must be "wallet" or "initiator"`);
    rule.velocity = {
      on: true,
      windowHours: int(vel.windowHours, `${p}.windowHours`),
      scope: vel.scope,
      maxBtc: vel.maxAmount === undefined ? '' : sats(vel.maxAmount, `${p}.maxAmount`),
      maxCount: vel.maxCount === undefined ? '' : int(vel.maxCount, `${p}.maxCount`),
    };
  }
  if (w.outsideHours !== undefined) {
    const p = `${path}.when.outsideHours`;
    const h = fields(w.outsideHours, p, ['timeZone', 'days', 'start', 'end'], ['timeZone', 'days', 'start', 'end']);
    if (!Array.isArray(h.days) || !h.days.every((d) => Number.isInteger(d) && (d as number) >= 0 && (d as number) <= 6)) throw new Unreadable(`${p}.days must be a list of days 0 (Sunday) to 6 (Saturday)`);
    rule.hours = { on: true, timeZone: str(h.timeZone, `${p}.timeZone`), days: [...new Set(h.days as number[])], start: str(h.start, `${p}.start`), end: str(h.end, `${p}.end`) };
  }
  if (w.initiatorIn !== undefined) {
    const p = `${path}.when.initiatorIn`;
    if (!Array.isArray(w.initiatorIn)) throw new Unreadable(`${p} must be a list`);
    const refs = w.initiatorIn.map((r, i) => {
      const ref = fields(r, `${p}[${i}]`, ['kind', 'id'], ['kind', 'id']);
      if (ref.kind !== 'user' && ref.kind !== 'api_key' && ref.kind !== 'group') throw new Unreadable(`${p}[${i}].kind must be user, api_key or group`);
      return { kind: ref.kind, id: str(ref.id, `${p}[${i}].id`) } as PrincipalRef;
    });
    rule.initiators = { on: true, refs };
  }
  rule.action = readAction(o.action, `${path}.action`);
  return rule;
}

/**
 * The form for a document, or why the form cannot show it (the JSON is then proposed as written
 * and the server says what is wrong, if anything).
 */
export function documentToForm(raw: unknown): { form: PolicyForm; reason?: undefined } | { form?: undefined; reason: string } {
  try {
    const doc = fields(raw, 'the document', ['schema', 'allowSelfApproval', 'whitelist', 'quorums', 'rules', 'defaultAction'], ['schema', 'quorums']);
    if (doc.schema !== POLICY_SCHEMA_ID) throw new Unreadable(`schema must be "${POLICY_SCHEMA_ID}"`);
    if (doc.allowSelfApproval !== undefined && typeof doc.allowSelfApproval !== 'boolean') throw new Unreadable('allowSelfApproval must be true or false');
    let whitelistRequired = false;
    if (doc.whitelist !== undefined) {
      const wl = fields(doc.whitelist, 'whitelist', ['mode'], ['mode']);
      if (wl.mode !== 'required' && wl.mode !== 'disabled') throw new Unreadable('whitelist.mode must be "required" or "disabled"');
      whitelistRequired = wl.mode === 'required';
    }
    if (!isObj(doc.quorums)) throw new Unreadable('quorums is not an object');
    const entries = Object.entries(doc.quorums).sort(([a], [b]) => (a === 'default' ? -1 : b === 'default' ? 1 : 0));
    const quorums = entries.map(([name, node]) => ({ key: newKey(), name, root: readNode(node, `quorums.${name}`) }));
    if (doc.rules !== undefined && !Array.isArray(doc.rules)) throw new Unreadable('rules must be a list');
    const rules = ((doc.rules as unknown[] | undefined) ?? []).map((r, i) => readRule(r, `rules[${i}]`));
    const defaultAction = doc.defaultAction === undefined ? { type: 'require' as const, quorum: 'default' } : readAction(doc.defaultAction, 'defaultAction');
    return { form: { allowSelfApproval: doc.allowSelfApproval === true, whitelistRequired, quorums, rules, defaultAction } };
  } catch (error) {
    if (error instanceof Unreadable) return { reason: error.message };
    throw error;
  }
}

/** The JSON text shown in the advanced editor (and proposed): stable, two-space indented. */
export function documentJson(document: PolicyDocument | unknown): string {
  return JSON.stringify(document, null, 2);
}

// ---------------------------------------------------------------------------------------------
// Names (for the read-only tree)
// ---------------------------------------------------------------------------------------------

export function nameIn(list: { id: string; name: string }[], id: string, what: string): string {
  return list.find((x) => x.id === id)?.name ?? `${what} ${id.slice(0, 8)}…`;
}

/** One line for a quorum node, with names from the directory. */
export function describeNode(node: QuorumNode, dir: PolicyDirectory): string {
  const prefix = node.label ? `${node.label}: ` : '';
  switch (node.kind) {
    case 'and':
      return `${prefix}all of`;
    case 'threshold':
      return `${prefix}at least ${node.k} of ${node.children.length}`;
    case 'user':
      return `${prefix}${nameIn(dir.users, node.userId, 'person')}`;
    case 'api_key':
      return `${prefix}${nameIn(dir.apiKeys, node.apiKeyId, 'API key')} (API key)`;
    case 'group':
      return `${prefix}${node.k} of group ${nameIn(dir.groups, node.groupId, 'group')}`;
    case 'wallet_approvers': {
      const n = dir.walletApprovers.length;
      return `${prefix}${node.k} of the wallet approvers (${n} now: ${dir.walletApprovers.map((id) => nameIn(dir.users, id, 'person')).join(', ') || 'none'})`;
    }
  }
}
