/**
 * zod 4 schema of the policy document `keystead.policy/1` (shape documented in types.ts). Strict
 * objects everywhere: an unknown rule condition, node kind or field is an error, never ignored
 * (a misspelt `amountAbov` must not silently drop a limit).
 *
 * The schema checks shape and per-field ranges. Cross-references (quorum names, principals in the
 * directory, k against group sizes, group cycles, time zones) are checked in validate.ts.
 */
import { z } from 'zod';
import { POLICY_SCHEMA_ID, type PolicyDocument, type QuorumNode } from './types';

export const LIMITS = {
  rules: 200,
  quorums: 50,
  /** Children of one and/threshold node. */
  children: 50,
  /** Nodes in one quorum tree. */
  quorumNodes: 200,
  /** Depth of one quorum tree (a leaf alone is depth 1). */
  quorumDepth: 8,
  initiatorIn: 100,
  label: 100,
  description: 500,
  windowHoursMax: 2160,
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Non-negative decimal integer without leading zeros, at most 78 digits (covers uint256). */
const AMOUNT = /^(0|[1-9][0-9]{0,77})$/;
const HHMM_START = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const HHMM_END = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

const uuid = (what: string) => z.string().regex(UUID, { error: `must be a ${what} id (lower-case UUID)` });
const slug = (what: string) =>
  z.string().regex(SLUG, { error: `${what} must be 1–64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit` });
const amount = z.string().regex(AMOUNT, { error: 'must be a whole number of base units written as a decimal string, e.g. "100000000"' });
const label = z.string().min(1).max(LIMITS.label);
const k = z.number().int({ error: 'k must be a whole number' });

export const ActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('allow') }),
  z.strictObject({ type: z.literal('deny') }),
  z.strictObject({ type: z.literal('require'), quorum: slug('A quorum name') }),
]);

// k ranges (k ≥ 1, k ≤ size) are checked in validate.ts with their own error code.
export const QuorumNodeSchema: z.ZodType<QuorumNode> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('and'), label: label.optional(), children: z.array(QuorumNodeSchema) }),
    z.strictObject({ kind: z.literal('threshold'), label: label.optional(), k, children: z.array(QuorumNodeSchema) }),
    z.strictObject({ kind: z.literal('user'), label: label.optional(), userId: uuid('user') }),
    z.strictObject({ kind: z.literal('api_key'), label: label.optional(), apiKeyId: uuid('API key') }),
    z.strictObject({ kind: z.literal('group'), label: label.optional(), groupId: uuid('group'), k }),
    z.strictObject({ kind: z.literal('wallet_approvers'), label: label.optional(), k }),
  ]),
);

export const PrincipalRefSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('user'), id: uuid('user') }),
  z.strictObject({ kind: z.literal('api_key'), id: uuid('API key') }),
  z.strictObject({ kind: z.literal('group'), id: uuid('group') }),
]);

export const VelocitySchema = z
  .strictObject({
    windowHours: z
      .number()
      .int({ error: 'must be a whole number of hours' })
      .min(1, { error: `must be between 1 and ${LIMITS.windowHoursMax} hours (90 days)` })
      .max(LIMITS.windowHoursMax, { error: `must be between 1 and ${LIMITS.windowHoursMax} hours (90 days)` }),
    scope: z.enum(['wallet', 'initiator']),
    maxAmount: amount.optional(),
    maxCount: z.number().int().min(0).max(1_000_000).optional(),
  })
  .refine((v) => v.maxAmount !== undefined || v.maxCount !== undefined, {
    error: 'set maxAmount, maxCount or both',
  });

export const OutsideHoursSchema = z
  .strictObject({
    timeZone: z.string().min(1).max(64),
    days: z
      .array(z.number().int().min(0, { error: 'days are 0 (Sunday) to 6 (Saturday)' }).max(6, { error: 'days are 0 (Sunday) to 6 (Saturday)' }))
      .min(1, { error: 'list at least one day (0 = Sunday … 6 = Saturday)' })
      .max(7)
      .refine((d) => new Set(d).size === d.length, { error: 'a day is listed twice' }),
    start: z.string().regex(HHMM_START, { error: "must be a time 'HH:MM' between 00:00 and 23:59" }),
    end: z.string().regex(HHMM_END, { error: "must be a time 'HH:MM' between 00:00 and 24:00" }),
  })
  .refine((w) => w.start !== w.end, {
    error: "start and end are the same; for the whole day use start '00:00' and end '24:00'",
    path: ['end'],
  });

export const ConditionsSchema = z.strictObject({
  amountAbove: amount.optional(),
  velocity: VelocitySchema.optional(),
  outsideHours: OutsideHoursSchema.optional(),
  initiatorIn: z.array(PrincipalRefSchema).min(1).max(LIMITS.initiatorIn).optional(),
});

export const RuleSchema = z.strictObject({
  id: slug('A rule id'),
  description: z.string().max(LIMITS.description).optional(),
  when: ConditionsSchema,
  action: ActionSchema,
});

export const PolicyDocumentSchema = z.strictObject({
  schema: z.literal(POLICY_SCHEMA_ID, { error: `must be "${POLICY_SCHEMA_ID}"` }),
  allowSelfApproval: z.boolean().default(false),
  whitelist: z.strictObject({ mode: z.enum(['required', 'disabled']) }).default({ mode: 'disabled' }),
  quorums: z.record(slug('A quorum name'), QuorumNodeSchema),
  rules: z.array(RuleSchema).max(LIMITS.rules, { error: `at most ${LIMITS.rules} rules` }).default([]),
  defaultAction: ActionSchema.default({ type: 'require', quorum: 'default' }),
});

/** What a policy editor may send: fields with defaults may be left out. */
export type PolicyDocumentInput = z.input<typeof PolicyDocumentSchema>;

// Compile-time check that the schema and the hand-written type agree in both directions.
type Equals<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Equals<z.output<typeof PolicyDocumentSchema>, PolicyDocument> = true;
void schemaMatchesType;
