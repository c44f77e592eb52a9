/**
 * Policy validation (shape with zod, then cross-references against the directory), the default
 * policy, the version hash and a plain-text description.
 *
 * validatePolicy never throws anything but PolicyError, whatever `raw` is.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { z } from 'zod';
import { canonicalJson } from '@/lib/audit/canonical-json';
import { PolicyError, formatPath, type PolicyIssue } from './errors';
import { findGroupCycle, flattenGroup, lookup, uniquePrincipals } from './groups';
import { describeQuorum, groupName, principalName, type QuorumNames } from './quorum';
import { LIMITS, PolicyDocumentSchema } from './schema';
import { describeWindow, isValidTimeZone } from './time-window';
import {
  POLICY_SCHEMA_ID,
  type DirectoryGroup,
  type PolicyAction,
  type PolicyDirectory,
  type PolicyDocument,
  type PrincipalRef,
  type QuorumNode,
} from './types';

/** Raw JSON deeper than this is refused before zod sees it (no stack overflow on hostile input). */
const MAX_RAW_DEPTH = 64;
/** Raw JSON with more values than this is refused before zod sees it. */
const MAX_RAW_VALUES = 200_000;

const CONDITION_NAMES = ['amountAbove', 'velocity', 'outsideHours', 'initiatorIn'];

/**
 * Parses and checks a policy document. Returns the document with defaults filled in
 * (allowSelfApproval false, whitelist disabled, rules [], defaultAction require 'default').
 * Throws PolicyError (code + path + a message saying what to fix) on the first problem.
 */
export function validatePolicy(raw: unknown, directory: PolicyDirectory): PolicyDocument {
  try {
    checkRawSize(raw);
    const parsed = PolicyDocumentSchema.safeParse(raw, { error: friendlyMessage });
    if (!parsed.success) throw schemaError(parsed.error);
    const doc = parsed.data;
    checkSemantics(doc, directory);
    return doc;
  } catch (e) {
    if (e instanceof PolicyError) throw e;
    // Anything else (a getter that throws, a Proxy, an engine limit) is still "not a valid policy".
    throw new PolicyError('POLICY_SCHEMA', '', 'the policy could not be read as a JSON policy document', { cause: e });
  }
}

/** 1 of the wallet's approvers, whitelist disabled, no rules, no self-approval. */
export function defaultPolicy(): PolicyDocument {
  return {
    schema: POLICY_SCHEMA_ID,
    allowSelfApproval: false,
    whitelist: { mode: 'disabled' },
    quorums: { default: { kind: 'wallet_approvers', k: 1 } },
    rules: [],
    defaultAction: { type: 'require', quorum: 'default' },
  };
}

/** sha256 hex of the canonical JSON (sorted keys) of the document: identifies a policy version. */
export function policyHash(doc: PolicyDocument): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(doc))));
}

// ---------------------------------------------------------------------------------------------
// Shape
// ---------------------------------------------------------------------------------------------

function checkRawSize(raw: unknown): void {
  const stack: Array<[unknown, number]> = [[raw, 1]];
  let values = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++values > MAX_RAW_VALUES) throw new PolicyError('POLICY_SCHEMA', '', 'the policy document is far too large');
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_RAW_DEPTH) throw new PolicyError('POLICY_SCHEMA', '', `the policy document is nested more than ${MAX_RAW_DEPTH} levels deep`);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return `${typeof v} ${String(v)}`;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'an object',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
};

/** Per-parse error map: friendlier defaults. Messages set in the schema take precedence over these. */
function friendlyMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const last = issue.path?.[issue.path.length - 1];
  switch (issue.code) {
    case 'invalid_union': {
      if (!('discriminator' in issue) || typeof issue.discriminator !== 'string') return 'does not match any allowed form';
      const value = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
      const options = (issue.options as unknown[] | undefined)?.map(String).join(', ') ?? '';
      if (value === undefined) return `"${issue.discriminator}" is required; use one of: ${options}`;
      const what = issue.discriminator === 'type' ? 'action type' : 'kind';
      return `unknown ${what} ${describeValue(value)}; use one of: ${options}`;
    }
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      if (last === 'when') {
        return `unknown condition ${keys}; the conditions are ${CONDITION_NAMES.join(', ')}`;
      }
      return `unknown field ${keys}; remove it or check the spelling`;
    }
    case 'invalid_type': {
      if ((issue.path?.length ?? 0) === 0) return `the policy must be a JSON object, not ${describeValue(issue.input)}`;
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return `is required (${expected})`;
      return `must be ${expected}, not ${describeValue(issue.input)}`;
    }
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, not ${describeValue(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'array') return `needs at least ${String(issue.minimum)} item${Number(issue.minimum) === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return Number(issue.minimum) === 1 ? 'must not be empty' : `must be at least ${String(issue.minimum)} characters`;
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array') return `has too many items (at most ${String(issue.maximum)})`;
      if (issue.origin === 'string') return `is too long (at most ${String(issue.maximum)} characters)`;
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_key':
      return issue.issues[0]?.message ?? 'invalid name';
    default:
      return undefined;
  }
}

function schemaError(error: z.ZodError): PolicyError {
  const issues: PolicyIssue[] = error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const first = issues[0] ?? { path: '', message: 'not a policy document' };
  return new PolicyError('POLICY_SCHEMA', first.path, first.message, { issues });
}

// ---------------------------------------------------------------------------------------------
// Cross-references
// ---------------------------------------------------------------------------------------------

function checkSemantics(doc: PolicyDocument, dir: PolicyDirectory): void {
  if (!Object.prototype.hasOwnProperty.call(doc.quorums, 'default')) {
    throw new PolicyError('POLICY_QUORUM_MISSING', 'quorums', "there is no quorum named 'default'; add one (e.g. 1 of the wallet approvers)");
  }
  if (Object.keys(doc.quorums).length > LIMITS.quorums) {
    throw new PolicyError('POLICY_SCHEMA', 'quorums', `at most ${LIMITS.quorums} quorums`);
  }
  for (const [name, node] of Object.entries(doc.quorums)) {
    const path = formatPath(['quorums', name]);
    checkTreeSize(node, path);
    checkNode(node, path, dir);
  }
  const seenIds = new Map<string, number>();
  doc.rules.forEach((rule, i) => {
    const path = `rules[${i}]`;
    const earlier = seenIds.get(rule.id);
    if (earlier !== undefined) {
      throw new PolicyError('POLICY_SCHEMA', `${path}.id`, `rule id "${rule.id}" is already used by rules[${earlier}]; rule ids must be unique`);
    }
    seenIds.set(rule.id, i);
    checkActionQuorum(rule.action, `${path}.action`, doc);
    const tz = rule.when.outsideHours?.timeZone;
    if (tz !== undefined && !isValidTimeZone(tz)) {
      throw new PolicyError('POLICY_TIMEZONE', `${path}.when.outsideHours.timeZone`, `"${tz}" is not a known IANA time zone (e.g. "Europe/Zurich", "America/New_York", "UTC")`);
    }
    rule.when.initiatorIn?.forEach((ref, j) => checkRef(ref, `${path}.when.initiatorIn[${j}]`, dir));
  });
  checkActionQuorum(doc.defaultAction, 'defaultAction', doc);
}

function checkActionQuorum(action: PolicyAction, path: string, doc: PolicyDocument): void {
  if (action.type !== 'require') return;
  if (!Object.prototype.hasOwnProperty.call(doc.quorums, action.quorum)) {
    const known = Object.keys(doc.quorums).map((q) => `'${q}'`).join(', ');
    throw new PolicyError('POLICY_QUORUM_MISSING', `${path}.quorum`, `there is no quorum named '${action.quorum}' (defined: ${known})`);
  }
}

function checkTreeSize(root: QuorumNode, path: string): void {
  let nodes = 0;
  const walk = (n: QuorumNode, depth: number, p: string): void => {
    if (++nodes > LIMITS.quorumNodes) throw new PolicyError('POLICY_SCHEMA', path, `a quorum may have at most ${LIMITS.quorumNodes} nodes`);
    if (depth > LIMITS.quorumDepth) throw new PolicyError('POLICY_SCHEMA', p, `quorums may be nested at most ${LIMITS.quorumDepth} levels deep`);
    if (n.kind === 'and' || n.kind === 'threshold') {
      if (n.children.length > LIMITS.children) {
        throw new PolicyError('POLICY_SCHEMA', `${p}.children`, `at most ${LIMITS.children} children per node`);
      }
      n.children.forEach((c, i) => walk(c, depth + 1, `${p}.children[${i}]`));
    }
  };
  walk(root, 1, path);
}

function knownPrincipalCount(members: readonly { kind: 'user' | 'api_key'; id: string }[], dir: PolicyDirectory): number {
  return members.filter((p) => (p.kind === 'user' ? lookup(dir.users, p.id) : lookup(dir.apiKeys, p.id)) !== undefined).length;
}

function checkK(k: number, max: number, path: string, ofWhat: string): void {
  if (k < 1) throw new PolicyError('POLICY_THRESHOLD_RANGE', `${path}.k`, `k must be at least 1 (it is ${k})`);
  if (k > max) {
    throw new PolicyError('POLICY_THRESHOLD_RANGE', `${path}.k`, `k is ${k} but there ${max === 1 ? 'is only 1' : `are only ${max}`} ${ofWhat}; lower k or add more`);
  }
}

function checkGroup(groupId: string, path: string, dir: PolicyDirectory): void {
  const group = lookup<DirectoryGroup>(dir.groups, groupId);
  if (!group) throw new PolicyError('POLICY_UNKNOWN_PRINCIPAL', path, `group ${groupId} does not exist in this organisation`);
  const cycle = findGroupCycle(dir.groups, [groupId]);
  if (cycle) {
    const names = cycle.map((id) => `"${lookup(dir.groups, id)?.name ?? id}"`).join(' → ');
    throw new PolicyError('POLICY_GROUP_CYCLE', path, `groups contain each other in a cycle: ${names}; remove one of these nestings`);
  }
  // Nested groups must exist too (a dangling reference would silently shrink the group).
  const check = (id: string, chain: string[]): void => {
    const g = lookup<DirectoryGroup>(dir.groups, id)!;
    for (const m of g.members) {
      if (m.kind !== 'group') continue;
      if (!lookup(dir.groups, m.id)) {
        throw new PolicyError('POLICY_UNKNOWN_PRINCIPAL', path, `group "${[...chain, g.name].join('" → "')}" contains group ${m.id}, which does not exist`);
      }
      check(m.id, [...chain, g.name]);
    }
  };
  check(groupId, []);
}

function checkNode(node: QuorumNode, path: string, dir: PolicyDirectory): void {
  switch (node.kind) {
    case 'and':
    case 'threshold':
      if (node.children.length === 0) {
        throw new PolicyError('POLICY_EMPTY_GROUP', `${path}.children`, `an "${node.kind}" node needs at least one child`);
      }
      if (node.kind === 'threshold') checkK(node.k, node.children.length, path, node.children.length === 1 ? 'child' : 'children');
      node.children.forEach((c, i) => checkNode(c, `${path}.children[${i}]`, dir));
      return;
    case 'user':
      if (lookup(dir.users, node.userId) === undefined) {
        throw new PolicyError('POLICY_UNKNOWN_PRINCIPAL', `${path}.userId`, `user ${node.userId} is not an active member of this organisation`);
      }
      return;
    case 'api_key':
      if (lookup(dir.apiKeys, node.apiKeyId) === undefined) {
        throw new PolicyError('POLICY_UNKNOWN_PRINCIPAL', `${path}.apiKeyId`, `API key ${node.apiKeyId} does not exist or is revoked`);
      }
      return;
    case 'group': {
      checkGroup(node.groupId, `${path}.groupId`, dir);
      const name = lookup(dir.groups, node.groupId)!.name;
      const size = knownPrincipalCount(flattenGroup(node.groupId, dir.groups), dir);
      if (size === 0) throw new PolicyError('POLICY_EMPTY_GROUP', `${path}.groupId`, `group "${name}" has no active members; add members or use another group`);
      checkK(node.k, size, path, `active member${size === 1 ? '' : 's'} in group "${name}"`);
      return;
    }
    case 'wallet_approvers': {
      const users = uniquePrincipals(dir.walletApprovers.map((id) => ({ kind: 'user' as const, id })));
      checkK(node.k, knownPrincipalCount(users, dir), path, 'active wallet approvers');
      return;
    }
  }
}

function checkRef(ref: PrincipalRef, path: string, dir: PolicyDirectory): void {
  if (ref.kind === 'user' && lookup(dir.users, ref.id) === undefined) {
    throw new PolicyError('POLICY_UNKNOWN_PRINCIPAL', `${path}.id`, `user ${ref.id} is not an active member of this organisation`);
  }
  if (ref.kind === 'api_key' && lookup(dir.apiKeys, ref.id) === undefined) {
    throw new PolicyError('POLICY_UNKNOWN_PRINCIPAL', `${path}.id`, `API key ${ref.id} does not exist or is revoked`);
  }
  if (ref.kind === 'group') checkGroup(ref.id, `${path}.id`, dir);
}

// ---------------------------------------------------------------------------------------------
// Description
// ---------------------------------------------------------------------------------------------

export interface DescribeOptions {
  formatAmount?: (baseUnits: bigint) => string;
}

export function describeAction(action: PolicyAction): string {
  if (action.type === 'allow') return 'allowed without approval';
  if (action.type === 'deny') return 'denied';
  return `requires quorum '${action.quorum}'`;
}

function refName(ref: PrincipalRef, names: QuorumNames): string {
  return ref.kind === 'group' ? `members of ${groupName(ref.id, names)}` : principalName(ref, names);
}

/** Plain-text summary of a policy, one line per item, for review screens and audit entries. */
export function describePolicy(doc: PolicyDocument, names: QuorumNames, options: DescribeOptions = {}): string[] {
  const fmt = options.formatAmount ?? ((n: bigint) => `${n} sats`);
  const lines: string[] = [];
  lines.push(
    doc.whitelist.mode === 'required'
      ? 'Whitelist: required (every destination must be a whitelist entry past its cooling-off period)'
      : 'Whitelist: not required',
  );
  lines.push(doc.allowSelfApproval ? 'Self-approval: allowed' : 'Self-approval: not allowed (the initiator’s approval never counts)');
  for (const [name, node] of Object.entries(doc.quorums)) lines.push(`Quorum '${name}': ${describeQuorum(node, names)}`);
  for (const rule of doc.rules) {
    const conds: string[] = [];
    const w = rule.when;
    if (w.amountAbove !== undefined) conds.push(`amount above ${fmt(BigInt(w.amountAbove))}`);
    if (w.velocity) {
      const who = w.velocity.scope === 'wallet' ? 'the wallet' : 'the initiator';
      const limits = [
        w.velocity.maxAmount !== undefined ? `more than ${fmt(BigInt(w.velocity.maxAmount))}` : null,
        w.velocity.maxCount !== undefined ? `more than ${w.velocity.maxCount} payments` : null,
      ].filter(Boolean);
      conds.push(`${who} sends ${limits.join(' or ')} within ${w.velocity.windowHours} h`);
    }
    if (w.outsideHours) conds.push(`outside ${describeWindow(w.outsideHours)}`);
    if (w.initiatorIn) conds.push(`initiated by ${w.initiatorIn.map((r) => refName(r, names)).join(' or ')}`);
    const when = conds.length > 0 ? `if ${conds.join(' and ')}` : 'always';
    lines.push(`Rule ${rule.id}: ${when} → ${describeAction(rule.action)}${rule.description ? ` (${rule.description})` : ''}`);
  }
  lines.push(`Otherwise: ${describeAction(doc.defaultAction)}`);
  return lines;
}
