/**
 * Types of the policy engine (server/policy/). Plain TypeScript, no zod, so that the quorum
 * helpers (quorum.ts) can be imported without pulling the schema in. `schema.ts` checks at compile
 * time that its zod output matches `PolicyDocument` exactly.
 *
 * Everything here is JSON except the evaluation inputs (bigint amounts, Date times, Maps).
 */

// ---------------------------------------------------------------------------------------------
// Principals and the directory
// ---------------------------------------------------------------------------------------------

/** Someone who can initiate or approve a request: a member (user id) or an API key (key id). */
export type Principal = { kind: 'user'; id: string } | { kind: 'api_key'; id: string };

/** A group member: a principal or another group (groups may nest; cycles are a policy error). */
export type GroupMember = Principal | { kind: 'group'; id: string };

/** Read-only lookup table: a `Map` (preferred for large tables) or a plain record. */
export type MapLike<V> = ReadonlyMap<string, V> | Readonly<Record<string, V>>;

export interface DirectoryGroup {
  name: string;
  members: readonly GroupMember[];
}

export interface WhitelistEntry {
  label: string;
  /** End of the cooling-off period: the entry counts as whitelisted from this instant on (inclusive). */
  usableFrom: Date;
}

/**
 * What the engine knows about the organisation and the wallet. The caller builds it from the
 * database; only active principals should be in it (a deactivated member or a revoked API key that is
 * absent from `users` / `apiKeys` is never eligible to approve, and a policy naming it fails validation).
 */
export interface PolicyDirectory {
  /** Known members (id → display name). Policies may only name these; also the source of names. */
  users: MapLike<{ name: string }>;
  /** Known API keys (id → display name). */
  apiKeys: MapLike<{ name: string }>;
  /** User ids of the wallet's approvers (the "N" of the default M-of-N). */
  walletApprovers: readonly string[];
  /** Groups by id; members may be other groups. */
  groups: MapLike<DirectoryGroup>;
  /**
   * Whitelist of the wallet by address. Addresses are compared as exact strings: the caller stores and
   * passes them in one canonical form (e.g. lower-case bech32), for the entries and for the request.
   */
  whitelist: MapLike<WhitelistEntry>;
}

// ---------------------------------------------------------------------------------------------
// The policy document (keystead.policy/1)
// ---------------------------------------------------------------------------------------------

export const POLICY_SCHEMA_ID = 'keystead.policy/1';

/** What a rule (or the default) does with a request. */
export type PolicyAction = { type: 'allow' } | { type: 'deny' } | { type: 'require'; quorum: string };

/**
 * An approval requirement, as a tree. Every node may carry a `label` used in explanations
 * ("Department head", "Operations managers").
 */
export type QuorumNode =
  /** All children must be satisfied. */
  | { kind: 'and'; label?: string; children: QuorumNode[] }
  /** At least `k` of the children must be satisfied (1 ≤ k ≤ children.length). */
  | { kind: 'threshold'; label?: string; k: number; children: QuorumNode[] }
  /** This member must approve. */
  | { kind: 'user'; label?: string; userId: string }
  /** This API key must approve. */
  | { kind: 'api_key'; label?: string; apiKeyId: string }
  /** `k` distinct members of the group (nested groups flattened) must approve. */
  | { kind: 'group'; label?: string; groupId: string; k: number }
  /** `k` of the wallet's approvers must approve (the classic M-of-N; the default policy is k = 1). */
  | { kind: 'wallet_approvers'; label?: string; k: number };

/** A principal, or a group standing for its (flattened) members, in `initiatorIn`. */
export type PrincipalRef = { kind: 'user'; id: string } | { kind: 'api_key'; id: string } | { kind: 'group'; id: string };

export interface VelocityCondition {
  /** Rolling window ending at `clock.now`, 1..2160 hours (90 days). */
  windowHours: number;
  /** Count the whole wallet's history, or only the requests of this request's initiator. */
  scope: 'wallet' | 'initiator';
  /** Matches when the window's total + this request's amount is above this (decimal base units). */
  maxAmount?: string;
  /** Matches when the window's count + 1 (this request) is above this. */
  maxCount?: number;
}

export interface OutsideHoursCondition {
  /** IANA time zone, e.g. "Europe/Zurich". */
  timeZone: string;
  /** Days on which the allowed window *starts*, 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** 'HH:MM', 00:00..23:59. */
  start: string;
  /** 'HH:MM', 00:00..24:00. If end ≤ start the window crosses midnight into the next day. */
  end: string;
}

/** All present conditions must hold for the rule to match; `{}` matches every request. */
export interface RuleConditions {
  /** Total of the non-change outputs (decimal base units, e.g. sats) is strictly above this. */
  amountAbove?: string;
  velocity?: VelocityCondition;
  /** The request's time (clock.now) is NOT inside the allowed window. */
  outsideHours?: OutsideHoursCondition;
  /** The initiator is one of these (groups: any flattened member). */
  initiatorIn?: PrincipalRef[];
}

export interface PolicyRule {
  /** Slug, unique within the policy ("large-payments"). */
  id: string;
  description?: string;
  when: RuleConditions;
  action: PolicyAction;
}

export interface PolicyDocument {
  schema: typeof POLICY_SCHEMA_ID;
  /** The initiator may approve their own request (default false: their approval never counts). */
  allowSelfApproval: boolean;
  /** required: every non-change destination must be a whitelist entry past its cooling-off period. */
  whitelist: { mode: 'required' | 'disabled' };
  /** Named quorums; must contain 'default'. */
  quorums: Record<string, QuorumNode>;
  /** At most 200, evaluated in order (all of them; see evaluate.ts for the combination). */
  rules: PolicyRule[];
  /** Used when no rule matches. Usually { type: 'require', quorum: 'default' }. */
  defaultAction: PolicyAction;
}

// ---------------------------------------------------------------------------------------------
// Evaluation inputs and output
// ---------------------------------------------------------------------------------------------

export interface RequestOutput {
  address: string;
  /** Base units (sats). */
  amount: bigint;
  /** Change back to the wallet: never checked against the whitelist, never counted in amounts. */
  isChange: boolean;
}

export interface PolicyRequest {
  requestId: string;
  walletId: string;
  initiator: Principal;
  outputs: readonly RequestOutput[];
  feeCap: bigint;
  createdAt: Date;
}

/**
 * One earlier outgoing request of the wallet that counts for velocity (the caller leaves out
 * rejected, cancelled and failed ones). Precondition: the array is sorted by `at` ascending; the
 * engine checks this in its single pass and sorts a copy if it is not (slower, still correct).
 * Only entries younger than the widest velocity window matter (maxVelocityWindowHours(policy)).
 * A caller that evaluates many requests against the same history can pass indexHistory(entries)
 * instead of the array (velocity.ts).
 */
export interface HistoryEntry {
  initiator: Principal;
  /** Non-change total, base units. */
  amount: bigint;
  at: Date;
  /** If given and equal to the evaluated request's id, the entry is skipped (never counted twice). */
  requestId?: string;
}

export interface PolicyClock {
  now: Date;
}

/** A rule that matched, with why. */
export interface MatchedRule {
  ruleId: string;
  action: PolicyAction;
  explanation: string;
}

export interface PolicyDecision {
  action: 'allow' | 'require_approval' | 'deny';
  /**
   * For require_approval: the combined tree (the required quorums resolved by name; one quorum as
   * is, several under an unlabelled `and` whose children follow `requiredQuorums`). null for allow
   * and deny.
   */
  quorum: QuorumNode | null;
  /** Names of the required quorums, in the order the rules (or the default) required them. */
  requiredQuorums: string[];
  /** Principals whose approval never counts for this request (the initiator unless allowSelfApproval). */
  excluded: Principal[];
  /**
   * For require_approval: whether the quorum can be met at all by the eligible principals (false e.g.
   * when the initiator is one of only k wallet approvers). Always true for allow / deny.
   */
  satisfiable: boolean;
  matched: MatchedRule[];
  /** Human-readable record, in order: whitelist findings, matched rules, the outcome. */
  explanation: string[];
  /** Non-change total of the request, decimal base units. */
  amount: string;
  /** clock.now, ISO 8601. */
  evaluatedAt: string;
  /** sha256 hex of the canonical JSON of the policy document (policyHash). */
  policyVersionHash: string;
}
