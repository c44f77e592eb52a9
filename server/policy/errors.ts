/**
 * Typed errors of policy validation. `message` is written for the person editing the policy: it
 * starts with the path of the offending field (e.g. `rules[3].when.velocity.windowHours`) and says
 * what to change. `issues` lists every problem found by the schema check (the first one is the
 * message); semantic checks stop at the first problem.
 */
export const POLICY_ERROR_CODES = [
  /** Not a policy document: unknown rule / condition / node type, missing or malformed field. */
  'POLICY_SCHEMA',
  /** A rule or the default action names a quorum that does not exist, or there is no 'default'. */
  'POLICY_QUORUM_MISSING',
  /** k < 1, or k above the number of children / group members / wallet approvers. */
  'POLICY_THRESHOLD_RANGE',
  /** A group without members (after flattening), or an and/threshold without children. */
  'POLICY_EMPTY_GROUP',
  /** Groups nest into a cycle (the message shows the cycle). */
  'POLICY_GROUP_CYCLE',
  /** A user, API key or group that is not in the organisation's directory. */
  'POLICY_UNKNOWN_PRINCIPAL',
  /** Not an IANA time zone this runtime knows. */
  'POLICY_TIMEZONE',
] as const;

export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number];

export interface PolicyIssue {
  /** Dotted path with [index] for arrays; '' for the document itself. */
  path: string;
  message: string;
}

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly code: PolicyErrorCode;
  readonly path: string;
  readonly issues: PolicyIssue[];

  constructor(code: PolicyErrorCode, path: string, problem: string, options?: { issues?: PolicyIssue[]; cause?: unknown }) {
    super(path ? `${path}: ${problem}` : problem, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = path;
    this.issues = options?.issues ?? [{ path, message: problem }];
  }
}

export function isPolicyError(e: unknown): e is PolicyError {
  return e instanceof PolicyError;
}

/** `['rules', 3, 'when']` → `rules[3].when`; keys that are not identifiers are quoted: `quorums["a b"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}
