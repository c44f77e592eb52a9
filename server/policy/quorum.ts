/**
 * Quorum trees: who must approve, whether the approvals so far suffice, and what is still missing.
 * Pure functions, no zod (safe to import anywhere).
 *
 * Semantics:
 * - Leaves name who may approve: a user, an API key, k distinct members of a group (nested groups
 *   flattened, see groups.ts) or k of the wallet's approvers. A leaf's *eligible* principals are
 *   those it names, minus `ctx.excluded` (the initiator when self-approval is off, principals who
 *   rejected) and, when `ctx.users` / `ctx.apiKeys` are given, minus principals absent from them
 *   (deactivated members, revoked keys). Approvals from anyone not eligible for a leaf never count
 *   for that leaf.
 * - One principal's approval counts at most once per leaf (duplicates in `approvals` are ignored),
 *   but it counts in every leaf that names them: a department head who is also an operations manager
 *   satisfies both the "department head" leaf and one of the "2 of 3 managers". This is deliberate
 *   (the tree says which roles must agree, not how many different people), and keeps evaluation a
 *   pure per-leaf count. A policy that needs distinct people must name disjoint sets.
 * - `and` is satisfied when all children are; `threshold` when at least k children are.
 * - Monotonic: adding approvals only raises per-leaf counts, so a satisfied tree stays satisfied.
 * - Fail closed on malformed trees (validatePolicy rejects them): k < 1 counts as 1, and an
 *   and/threshold without children is never satisfied.
 */
import { flattenGroup, lookup, principalKey, uniquePrincipals } from './groups';
import type { DirectoryGroup, MapLike, Principal, QuorumNode } from './types';

export interface QuorumContext {
  /** User ids of the wallet's approvers. */
  walletApprovers: readonly string[];
  groups: MapLike<DirectoryGroup>;
  /** Principals whose approval never counts (initiator without self-approval, rejecters). */
  excluded?: readonly Principal[];
  /** When given, users not in this table are not eligible (e.g. deactivated). */
  users?: MapLike<unknown>;
  /** When given, API keys not in this table are not eligible (e.g. revoked). */
  apiKeys?: MapLike<unknown>;
}

/** Names for explanations; a PolicyDirectory fits. Missing names fall back to the id. */
export interface QuorumNames {
  users?: MapLike<{ name: string }>;
  apiKeys?: MapLike<{ name: string }>;
  groups?: MapLike<{ name: string }>;
}

interface Annotation {
  satisfied: boolean;
  /** Leaves: approvals that count. and/threshold: satisfied children. */
  have: number;
  /** Leaves: k (1 for user / API key). and: number of children. threshold: k. */
  need: number;
  /** Whether the node could still be satisfied if every eligible principal approved. */
  possible: boolean;
  /** Principals whose approval counts here (for composites: anywhere below), in approval order. */
  approvedBy: Principal[];
}

type LeafNode = Exclude<QuorumNode, { kind: 'and' } | { kind: 'threshold' }>;

export type AnnotatedQuorum =
  | ({ kind: 'and'; label?: string; children: AnnotatedQuorum[] } & Annotation)
  | ({ kind: 'threshold'; label?: string; k: number; children: AnnotatedQuorum[] } & Annotation)
  | (LeafNode & Annotation & { /** Principals who may approve this leaf. */ eligible: Principal[] });

class Resolver {
  private readonly excluded: Set<string>;
  private readonly memo = new Map<string, Principal[]>();

  constructor(readonly ctx: QuorumContext, extraExcluded: readonly Principal[] = []) {
    this.excluded = new Set([...(ctx.excluded ?? []), ...extraExcluded].map(principalKey));
  }

  private allowed(p: Principal): boolean {
    if (this.excluded.has(principalKey(p))) return false;
    if (p.kind === 'user' && this.ctx.users !== undefined) return lookup(this.ctx.users, p.id) !== undefined;
    if (p.kind === 'api_key' && this.ctx.apiKeys !== undefined) return lookup(this.ctx.apiKeys, p.id) !== undefined;
    return true;
  }

  /** Eligible principals of a leaf (unique, directory order). */
  eligible(node: LeafNode): Principal[] {
    let named: Principal[];
    switch (node.kind) {
      case 'user':
        named = [{ kind: 'user', id: node.userId }];
        break;
      case 'api_key':
        named = [{ kind: 'api_key', id: node.apiKeyId }];
        break;
      case 'group':
        named = flattenGroup(node.groupId, this.ctx.groups, this.memo);
        break;
      case 'wallet_approvers':
        named = uniquePrincipals(this.ctx.walletApprovers.map((id) => ({ kind: 'user' as const, id })));
        break;
      default:
        named = [];
    }
    return named.filter((p) => this.allowed(p));
  }
}

function leafNeed(node: LeafNode): number {
  return node.kind === 'user' || node.kind === 'api_key' ? 1 : Math.max(1, Number.isInteger(node.k) ? node.k : 1);
}

function annotate(node: QuorumNode, approved: Map<string, number>, approvals: Principal[], r: Resolver): AnnotatedQuorum {
  if (node.kind === 'and' || node.kind === 'threshold') {
    const children = node.children.map((c) => annotate(c, approved, approvals, r));
    const have = children.filter((c) => c.satisfied).length;
    const possibleCount = children.filter((c) => c.possible).length;
    const need =
      node.kind === 'and' ? Math.max(1, children.length) : Math.max(1, Number.isInteger(node.k) ? node.k : 1);
    const keys = new Set<string>();
    for (const c of children) for (const p of c.approvedBy) keys.add(principalKey(p));
    const approvedBy = approvals.filter((p) => keys.has(principalKey(p)));
    const base = { satisfied: have >= need, have, need, possible: possibleCount >= need, approvedBy };
    const label = node.label === undefined ? {} : { label: node.label };
    return node.kind === 'and'
      ? { kind: 'and', ...label, children, ...base }
      : { kind: 'threshold', ...label, k: node.k, children, ...base };
  }
  const eligible = r.eligible(node);
  const need = leafNeed(node);
  const approvedBy = eligible
    .filter((p) => approved.has(principalKey(p)))
    .sort((a, b) => approved.get(principalKey(a))! - approved.get(principalKey(b))!);
  return {
    ...node,
    satisfied: approvedBy.length >= need,
    have: approvedBy.length,
    need,
    possible: eligible.length >= need,
    approvedBy,
    eligible,
  };
}

/** Annotates the tree with what the approvals so far achieve (see the module comment for the rules). */
export function evaluateQuorum(node: QuorumNode, approvals: readonly Principal[], ctx: QuorumContext): AnnotatedQuorum {
  const unique = uniquePrincipals(approvals);
  const approved = new Map(unique.map((p, i) => [principalKey(p), i] as const));
  return annotate(node, approved, unique, new Resolver(ctx));
}

/**
 * Whether the tree can still be satisfied after these principals rejected (their approval, like the
 * excluded ones', will never count), assuming every other eligible principal approves.
 */
export function canStillBeSatisfied(node: QuorumNode, rejectedBy: readonly Principal[], ctx: QuorumContext): boolean {
  const r = new Resolver(ctx, rejectedBy);
  return annotate(node, new Map(), [], r).possible;
}

/** Every principal who could contribute an approval (eligible for at least one leaf), in tree order. */
export function quorumPrincipals(node: QuorumNode, ctx: QuorumContext): Principal[] {
  const r = new Resolver(ctx);
  const out: Principal[] = [];
  const walk = (n: QuorumNode): void => {
    if (n.kind === 'and' || n.kind === 'threshold') n.children.forEach(walk);
    else out.push(...r.eligible(n));
  };
  walk(node);
  return uniquePrincipals(out);
}

// ---------------------------------------------------------------------------------------------
// Wording
// ---------------------------------------------------------------------------------------------

export function principalName(p: Principal, names: QuorumNames): string {
  if (p.kind === 'user') return lookup(names.users, p.id)?.name ?? `user ${p.id}`;
  return lookup(names.apiKeys, p.id)?.name ?? `API key ${p.id}`;
}

export function groupName(groupId: string, names: QuorumNames): string {
  return lookup(names.groups, groupId)?.name ?? `group ${groupId}`;
}

type AnyNode = QuorumNode | AnnotatedQuorum;

function approvals(n: number): string {
  return n === 1 ? '1 more approval' : `${n} more approvals`;
}

/** Who a leaf names, e.g. "Department head (Dana)", "Operations managers", "wallet approvers". */
function leafSubject(node: LeafNode, names: QuorumNames): string {
  switch (node.kind) {
    case 'user': {
      const name = principalName({ kind: 'user', id: node.userId }, names);
      return node.label ? `${node.label} (${name})` : name;
    }
    case 'api_key': {
      const name = principalName({ kind: 'api_key', id: node.apiKeyId }, names);
      return node.label ? `${node.label} (${name})` : `${name} (API key)`;
    }
    case 'group':
      return node.label ?? groupName(node.groupId, names);
    case 'wallet_approvers':
      return node.label ?? 'wallet approvers';
  }
}

/** One-line description of a (sub)tree: "all of (2 of Operations managers, Department head (Dana))". */
export function describeQuorum(node: AnyNode, names: QuorumNames): string {
  switch (node.kind) {
    case 'and':
      return node.label ?? `all of (${(node.children as AnyNode[]).map((c) => describeQuorum(c, names)).join(', ')})`;
    case 'threshold':
      return node.label ?? `${node.k} of (${(node.children as AnyNode[]).map((c) => describeQuorum(c, names)).join(', ')})`;
    case 'user':
    case 'api_key':
      return leafSubject(node, names);
    case 'group':
    case 'wallet_approvers':
      return `${node.k} of ${leafSubject(node, names)}`;
  }
}

/**
 * What is still missing, one line per missing branch, e.g.
 * "needs 1 more approval from Operations managers (have 1 of 2)", "needs Department head (Dana)".
 * A branch that can no longer be satisfied says so: "…; cannot be met: only N eligible" (group,
 * wallet approvers), "…; not eligible to approve this request" (a user / API key who is excluded or
 * inactive), "…; cannot be met by the remaining eligible approvers" (threshold).
 * [] when the tree is satisfied.
 */
export function explainMissing(annotated: AnnotatedQuorum, names: QuorumNames): string[] {
  if (annotated.satisfied) return [];
  const dead = annotated.possible ? '' : '; cannot be met by the remaining eligible approvers';
  switch (annotated.kind) {
    case 'and':
      return annotated.children.length === 0
        ? [`${describeQuorum(annotated, names)} has no members and cannot be met`]
        : annotated.children.flatMap((c) => explainMissing(c, names));
    case 'threshold': {
      const missing = annotated.need - annotated.have;
      const open = annotated.children.filter((c) => !c.satisfied).map((c) => describeQuorum(c, names));
      const what = annotated.label ? `from ${annotated.label}` : `of: ${open.join(', ')}`;
      return [`needs ${missing} more ${annotated.label ? (missing === 1 ? 'approval ' : 'approvals ') : ''}${what} (have ${annotated.have} of ${annotated.need})${dead}`];
    }
    case 'user':
    case 'api_key':
      return [`needs ${leafSubject(annotated, names)}${dead ? '; not eligible to approve this request' : ''}`];
    case 'group':
    case 'wallet_approvers': {
      const missing = annotated.need - annotated.have;
      const eligibleNote = annotated.possible ? '' : `; cannot be met: only ${annotated.eligible.length} eligible`;
      return [`needs ${approvals(missing)} from ${leafSubject(annotated, names)} (have ${annotated.have} of ${annotated.need})${eligibleNote}`];
    }
  }
}
