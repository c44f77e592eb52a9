/**
 * Keystead policy engine: pure, deterministic functions (no database, no network, no React).
 *
 *   validatePolicy(raw, directory)        → PolicyDocument, or throws PolicyError (code + path)
 *   evaluatePolicy(policy, request, history, clock, directory, options?) → PolicyDecision
 *   evaluateQuorum / explainMissing / quorumPrincipals / canStillBeSatisfied  (quorum.ts)
 *   defaultPolicy(), policyHash(doc), describePolicy(doc, names)
 *   maxVelocityWindowHours(policy) (how much history to load), indexHistory(entries) (reusable index)
 *
 * See evaluate.ts for the combination rules and quorum.ts for how approvals count.
 */
export * from './types';
export { PolicyError, isPolicyError, POLICY_ERROR_CODES, formatPath, type PolicyErrorCode, type PolicyIssue } from './errors';
export { PolicyDocumentSchema, LIMITS as POLICY_LIMITS, type PolicyDocumentInput } from './schema';
export { validatePolicy, defaultPolicy, policyHash, describePolicy, describeAction, type DescribeOptions } from './validate';
export { evaluatePolicy, type EvaluateOptions } from './evaluate';
export {
  evaluateQuorum,
  explainMissing,
  quorumPrincipals,
  canStillBeSatisfied,
  describeQuorum,
  principalName,
  type AnnotatedQuorum,
  type QuorumContext,
  type QuorumNames,
} from './quorum';
export { flattenGroup, findGroupCycle, principalKey, samePrincipal } from './groups';
export { isValidTimeZone, localTime, insideWindow } from './time-window';
export { windowTotals, maxVelocityWindowHours, indexHistory, HistoryIndex, type WindowTotals } from './velocity';
