/**
 * evaluatePolicy: the decision for one outgoing request, with its explanation. Pure and
 * deterministic: the same inputs give the same decision (compare with JSON.stringify); the only
 * time used is `clock.now`.
 *
 * Combination (in this order):
 * 1. Whitelist (mode 'required'): every non-change destination must be a whitelist entry whose
 *    `usableFrom` ≤ clock.now. Any other destination → deny, one explanation line per address.
 * 2. Every rule is evaluated, in order. A rule matches when all its conditions hold (an empty `when`
 *    always matches). Every matched rule is recorded in `matched`, including those whose action is
 *    overridden below.
 * 3. Any matched `deny` (or a whitelist failure) → deny.
 *    Else, if any matched rule is `require`: require_approval of ALL the quorums those rules name
 *    (each name once, in rule order; one quorum as is, several under an `and`).
 *    Else, if any matched rule is `allow` → allow.
 *    Else (nothing matched) → defaultAction.
 *    So deny beats require beats allow, and a matched `allow` only applies when no rule requires.
 * 4. The initiator is excluded from approving unless `allowSelfApproval`; `decision.excluded` says
 *    so, and the caller passes it to evaluateQuorum when approvals come in. `satisfiable` is false
 *    when the eligible principals cannot meet the quorum at all (explained line by line).
 *
 * Amounts are the total of the non-change outputs (the fee is not counted). Velocity windows,
 * business hours and whitelist cooling-off are all measured at clock.now.
 * Fail closed: a negative amount, a rule naming a quorum that does not exist or an unknown time zone
 * (a document that skipped validatePolicy) → deny with the reason.
 */
import { flattenGroup, lookup, principalKey } from './groups';
import { canStillBeSatisfied, describeQuorum, evaluateQuorum, explainMissing, principalName, quorumPrincipals, type QuorumContext } from './quorum';
import { WEEKDAYS, describeWindow, formatMinutes, insideWindow, localTime } from './time-window';
import type {
  DirectoryGroup,
  HistoryEntry,
  MatchedRule,
  PolicyAction,
  PolicyClock,
  PolicyDecision,
  PolicyDirectory,
  PolicyDocument,
  PolicyRequest,
  PolicyRule,
  Principal,
  PrincipalRef,
  QuorumNode,
} from './types';
import { describeAction, policyHash } from './validate';
import { windowTotals, type HistoryIndex, type WindowTotals } from './velocity';

export interface EvaluateOptions {
  /** Formats base units for explanations. Default: `${n} sats`. */
  formatAmount?: (baseUnits: bigint) => string;
  /** The policy's hash if the caller already has it (saves hashing the document per evaluation). */
  policyHash?: string;
}

const defaultFormat = (n: bigint): string => `${n} sats`;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

interface EvalContext {
  request: PolicyRequest;
  directory: PolicyDirectory;
  total: bigint;
  now: Date;
  fmt: (n: bigint) => string;
  totals: () => Map<number, WindowTotals>;
  groupMemo: Map<string, Principal[]>;
  localTimes: Map<string, ReturnType<typeof localTime>>;
  initiatorName: string;
}

export function evaluatePolicy(
  policy: PolicyDocument,
  request: PolicyRequest,
  history: readonly HistoryEntry[] | HistoryIndex,
  clock: PolicyClock,
  directory: PolicyDirectory,
  options: EvaluateOptions = {},
): PolicyDecision {
  const nowMs = clock.now.getTime();
  if (!Number.isFinite(nowMs)) throw new TypeError('evaluatePolicy: clock.now is not a valid date');
  const fmt = options.formatAmount ?? defaultFormat;
  const explanation: string[] = [];
  const excluded: Principal[] = policy.allowSelfApproval ? [] : [{ kind: request.initiator.kind, id: request.initiator.id }];
  const hash = options.policyHash ?? cachedPolicyHash(policy);

  let total = 0n;
  const invalid: string[] = [];
  request.outputs.forEach((o, i) => {
    if (typeof o.amount !== 'bigint' || o.amount < 0n) invalid.push(`Output ${i} (${o.address}) has an invalid amount → denied`);
    else if (!o.isChange) total += o.amount;
  });

  const decision = (
    action: PolicyDecision['action'],
    quorum: QuorumNode | null,
    requiredQuorums: string[],
    matched: MatchedRule[],
    satisfiable = true,
  ): PolicyDecision => ({
    action,
    quorum,
    requiredQuorums,
    excluded,
    satisfiable,
    matched,
    explanation,
    amount: total.toString(),
    evaluatedAt: clock.now.toISOString(),
    policyVersionHash: hash,
  });

  if (invalid.length > 0) {
    explanation.push(...invalid, 'Decision: denied (invalid request)');
    return decision('deny', null, [], []);
  }

  // 1. Whitelist.
  let whitelistDenied = false;
  if (policy.whitelist.mode === 'required') {
    const seen = new Set<string>();
    let checked = 0;
    for (const o of request.outputs) {
      if (o.isChange || seen.has(o.address)) continue;
      seen.add(o.address);
      checked++;
      const entry = lookup(directory.whitelist, o.address);
      if (!entry) {
        explanation.push(`Destination ${o.address} is not on the whitelist → denied`);
        whitelistDenied = true;
      } else if (!(entry.usableFrom.getTime() <= nowMs)) {
        explanation.push(
          `Destination ${o.address} (${entry.label}) is still in its whitelist cooling-off period until ${entry.usableFrom.toISOString()} → denied`,
        );
        whitelistDenied = true;
      }
    }
    if (!whitelistDenied) {
      explanation.push(
        checked === 0
          ? 'Whitelist: no destinations to check (change only)'
          : checked === 1
            ? 'Whitelist: the destination is whitelisted'
            : `Whitelist: all ${checked} destinations are whitelisted`,
      );
    }
  }

  // 2. Rules.
  const windows = policy.rules.flatMap((r) => (r.when.velocity ? [r.when.velocity.windowHours] : []));
  let totalsCache: Map<number, WindowTotals> | undefined; // one history pass, only if a velocity condition is reached
  const ctx: EvalContext = {
    request,
    directory,
    total,
    now: clock.now,
    fmt,
    totals: () => (totalsCache ??= windowTotals(history, nowMs, windows, request.initiator, request.requestId)),
    groupMemo: new Map(),
    localTimes: new Map(),
    initiatorName: principalName(request.initiator, directory),
  };
  // Business-hours rules: local time once per zone. An unknown zone (a document that skipped
  // validatePolicy, or a zone this runtime no longer knows) denies: the rule cannot be evaluated.
  for (const rule of policy.rules) {
    const tz = rule.when.outsideHours?.timeZone;
    if (tz === undefined || ctx.localTimes.has(tz)) continue;
    try {
      ctx.localTimes.set(tz, localTime(clock.now, tz));
    } catch {
      explanation.push(`Rule ${rule.id}: time zone "${tz}" is unknown, so the rule cannot be evaluated → denied (fix the policy)`, 'Decision: denied');
      return decision('deny', null, [], []);
    }
  }

  const matched: MatchedRule[] = [];
  for (const rule of policy.rules) {
    const reasons = matchRule(rule, ctx);
    if (reasons === null) continue;
    const line = `Rule ${rule.id}: ${reasons.join('; ')} → ${describeAction(rule.action)}`;
    matched.push({ ruleId: rule.id, action: rule.action, explanation: line });
    explanation.push(line);
  }

  // 3. Combination.
  if (whitelistDenied || matched.some((m) => m.action.type === 'deny')) {
    explanation.push('Decision: denied');
    return decision('deny', null, [], matched);
  }
  const required: string[] = [];
  for (const m of matched) if (m.action.type === 'require' && !required.includes(m.action.quorum)) required.push(m.action.quorum);
  let action: PolicyAction;
  if (required.length > 0) action = { type: 'require', quorum: required[0]! };
  else if (matched.some((m) => m.action.type === 'allow')) action = { type: 'allow' };
  else {
    action = policy.defaultAction;
    explanation.push(`No rule matched → default action: ${describeAction(action)}`);
    if (action.type === 'require') required.push(action.quorum);
  }
  if (action.type === 'deny') {
    explanation.push('Decision: denied');
    return decision('deny', null, [], matched);
  }
  if (action.type === 'allow') {
    explanation.push('Decision: allowed without approval');
    return decision('allow', null, [], matched);
  }

  const nodes: QuorumNode[] = [];
  for (const name of required) {
    const node = Object.prototype.hasOwnProperty.call(policy.quorums, name) ? policy.quorums[name] : undefined;
    if (!node) {
      explanation.push(`The policy requires quorum '${name}', which it does not define → denied`);
      return decision('deny', null, [], matched);
    }
    nodes.push(node);
  }
  const quorum: QuorumNode = nodes.length === 1 ? nodes[0]! : { kind: 'and', children: nodes };
  const qctx: QuorumContext = {
    walletApprovers: directory.walletApprovers,
    groups: directory.groups,
    users: directory.users,
    apiKeys: directory.apiKeys,
    excluded,
  };
  explanation.push(
    `Decision: requires approval of ${required.map((q) => `quorum '${q}'`).join(' and ')}: ${describeQuorum(quorum, directory)}` +
      (excluded.length > 0 ? ` (${ctx.initiatorName}, the initiator, cannot approve)` : ''),
  );
  const satisfiable = canStillBeSatisfied(quorum, [], qctx);
  if (!satisfiable) {
    const best = evaluateQuorum(quorum, quorumPrincipals(quorum, qctx), qctx);
    for (const line of explainMissing(best, directory)) explanation.push(`Cannot be met even if every eligible approver approves: ${line}`);
  }
  return decision('require_approval', quorum, required, matched, satisfiable);
}

/**
 * policyHash per document object, recomputed whenever the object's JSON changed since (so a mutated
 * document never reuses a stale hash). JSON.stringify is ~20× cheaper than canonical JSON + sha256.
 */
const hashCache = new WeakMap<PolicyDocument, { json: string; hash: string }>();
function cachedPolicyHash(policy: PolicyDocument): string {
  const json = JSON.stringify(policy);
  const hit = hashCache.get(policy);
  if (hit && hit.json === json) return hit.hash;
  const hash = policyHash(policy);
  hashCache.set(policy, { json, hash });
  return hash;
}

/** Reasons when every condition holds, null as soon as one does not. Cheap conditions first. */
function matchRule(rule: PolicyRule, ctx: EvalContext): string[] | null {
  const w = rule.when;
  const reasons: string[] = [];
  const { fmt, total } = ctx;

  if (w.amountAbove !== undefined) {
    const limit = BigInt(w.amountAbove);
    if (!(total > limit)) return null;
    reasons.push(`${fmt(total)} above the ${fmt(limit)} limit`);
  }

  if (w.initiatorIn) {
    const hit = w.initiatorIn.find((ref) => refIncludes(ref, ctx.request.initiator, ctx));
    if (!hit) return null;
    reasons.push(
      hit.kind === 'group'
        ? `initiated by ${ctx.initiatorName}, a member of ${lookup<DirectoryGroup>(ctx.directory.groups, hit.id)?.name ?? `group ${hit.id}`}`
        : `initiated by ${ctx.initiatorName}`,
    );
  }

  if (w.outsideHours) {
    const oh = w.outsideHours;
    const lt = ctx.localTimes.get(oh.timeZone)!; // filled for every rule's zone before the rules run
    if (insideWindow(lt, oh)) return null;
    reasons.push(`${WEEKDAYS[lt.day]} ${formatMinutes(lt.minutes)} is outside ${describeWindow(oh)}`);
  }

  if (w.velocity) {
    const v = w.velocity;
    const t = ctx.totals().get(v.windowHours) ?? { walletCount: 0, walletAmount: 0n, initiatorCount: 0, initiatorAmount: 0n };
    const [count, sum] = v.scope === 'wallet' ? [t.walletCount, t.walletAmount] : [t.initiatorCount, t.initiatorAmount];
    const who = v.scope === 'wallet' ? 'the wallet' : ctx.initiatorName;
    const parts: string[] = [];
    if (v.maxAmount !== undefined && sum + total > BigInt(v.maxAmount)) {
      parts.push(
        `${who} would send ${fmt(sum + total)} in ${v.windowHours} h (${fmt(sum)} in ${plural(count, 'earlier payment')} + this ${fmt(total)}), above the ${fmt(BigInt(v.maxAmount))} limit`,
      );
    }
    if (v.maxCount !== undefined && count + 1 > v.maxCount) {
      parts.push(`this would be payment ${count + 1} by ${who} in ${v.windowHours} h, above the limit of ${v.maxCount}`);
    }
    if (parts.length === 0) return null;
    reasons.push(...parts);
  }

  if (reasons.length === 0) reasons.push('applies to every payment');
  return reasons;
}

function refIncludes(ref: PrincipalRef, who: Principal, ctx: EvalContext): boolean {
  if (ref.kind !== 'group') return ref.kind === who.kind && ref.id === who.id;
  const key = principalKey(who);
  return flattenGroup(ref.id, ctx.directory.groups, ctx.groupMemo).some((p) => principalKey(p) === key);
}
