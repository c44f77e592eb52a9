/**
 * The HTTP API reference (docs/openapi.json) generated from the router itself: every procedure an
 * API key may call (meta.apiScope, server/trpc.ts) with its zod input and output schemas turned
 * into JSON Schema by zod 4's `z.toJSONSchema`. `npm run openapi` writes the file; a test checks
 * that regenerating gives the committed document, so it cannot go stale.
 *
 * Wire format (tRPC 11 over HTTP, no transformer):
 *   query     GET  /api/trpc/<path>?input=<URL-encoded JSON>      → 200 { "result": { "data": … } }
 *   mutation  POST /api/trpc/<path>   body: <JSON>                 → 200 { "result": { "data": … } }
 *   error     4xx/5xx { "error": { "message", "code", "data": { "code", "httpStatus", "path", "appCode", "userMessage", "zodError" } } }
 */
import { z } from 'zod';
import { API_SCOPE_LABELS, type ApiScope } from '@/lib/api-keys';
import { APP_ERRORS } from '@/lib/errors';
import type { Meta } from './trpc';

type Json = Record<string, unknown>;

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  meta?: Meta;
  inputs: z.ZodType[];
  output?: z.ZodType;
}

/** tRPC error code → HTTP status, for the codes this API uses (lib/errors.ts). */
const HTTP_STATUS: Record<string, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL_SERVER_ERROR: 500,
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input (data.zodError names the fields) or a refused request (data.appCode).',
  401: 'No valid API key: API_KEY_INVALID, API_KEY_EXPIRED, API_KEY_REVOKED (or NOT_SIGNED_IN without credentials).',
  403: 'Not allowed: API_KEY_SCOPE (the key lacks the scope), API_KEY_NOT_ALLOWED, FORBIDDEN_ROLE (wallet role), APPROVAL_NOT_ELIGIBLE, POLICY_DENIED.',
  404: 'NOT_FOUND: no such object, or not visible to this key (another organisation, or no role on the wallet).',
  409: 'Conflict with the current state.',
  412: 'Precondition failed: the object is not in a state that allows this (e.g. TRANSFER_STATE, WALLET_STATE).',
  413: 'PAYLOAD_TOO_LARGE: the request body is too large.',
  500: 'INTERNAL (no detail), or a dependency that is down: CHAIN_UNAVAILABLE, COSIGNER_UNAVAILABLE, BROADCAST_FAILED.',
};

/** JSON Schema for what zod cannot express by itself: the API's output transforms. */
function override(ctx: { zodSchema: unknown; jsonSchema: Json }) {
  const def = (ctx.zodSchema as { _zod: { def: { type: string; in?: { _zod: { def: { type: string } } } } } })._zod.def;
  if (def.type !== 'pipe' || !def.in) return;
  const from = def.in._zod.def.type;
  const replace = (schema: Json) => {
    for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
    Object.assign(ctx.jsonSchema, schema);
  };
  // server/routers/schemas.ts IsoDate: Date → ISO string.
  if (from === 'date') replace({ type: 'string', format: 'date-time' });
  // Satoshi amounts: bigint → decimal string (JSON has no bigint).
  if (from === 'bigint') replace({ type: 'string', pattern: '^-?(0|[1-9][0-9]*)$', description: 'Integer as a decimal string (satoshis).' });
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const json = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any', override }) as Json;
  delete json.$schema;
  return json;
}

/** Moves a schema's `$defs` (recursive types) into components.schemas under unique names. */
function hoistDefs(schema: Json, prefix: string, components: Record<string, Json>): Json {
  const defs = schema.$defs as Record<string, Json> | undefined;
  if (!defs) return schema;
  const { $defs: _defs, ...rest } = schema;
  const names = new Map(Object.keys(defs).map((name) => [name, `${prefix}_${name.replace(/[^A-Za-z0-9]/g, '')}`]));
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => {
          if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) return [k, `#/components/schemas/${names.get(v.slice('#/$defs/'.length))}`];
          return [k, rewrite(v)];
        }),
      );
    }
    return value;
  };
  for (const [name, def] of Object.entries(defs)) components[names.get(name)!] = rewrite(def) as Json;
  return rewrite(rest) as Json;
}

interface Unwrapped {
  object: z.ZodObject | null;
  optional: boolean;
}

function unwrap(schema: z.ZodType): Unwrapped {
  let s = schema as z.ZodType;
  let optional = false;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault) {
      optional = true;
      s = s.unwrap() as z.ZodType;
    } else break;
  }
  return { object: s instanceof z.ZodObject ? s : null, optional };
}

/** The procedure's inputs (tRPC merges them at runtime) as one object schema where possible. */
function mergedInput(inputs: z.ZodType[]): { schema: z.ZodType | null; required: boolean; notes: string[] } {
  if (inputs.length === 0) return { schema: null, required: false, notes: [] };
  const parts = inputs.map(unwrap);
  const notes = inputs.map((s) => s.description ?? unwrap(s).object?.description).filter((d): d is string => !!d);
  if (inputs.length === 1) return { schema: inputs[0]!, required: !parts[0]!.optional, notes: [] };
  if (parts.every((p) => p.object)) {
    const merged = parts.slice(1).reduce((acc, p) => acc.extend(p.object!.shape), parts[0]!.object!);
    return { schema: merged, required: parts.some((p) => !p.optional), notes };
  }
  return { schema: z.intersection(inputs[0]!, inputs[1]!), required: true, notes };
}

const operationId = (path: string) => path.replace(/\.([a-z])/g, (_m, c: string) => c.toUpperCase());

function errorResponses(): Json {
  const statuses = [...new Set(Object.values(APP_ERRORS).map((e) => HTTP_STATUS[e.trpc]!))].sort((a, b) => a - b);
  return Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/Error${s}` }]));
}

function errorComponents(): { schemas: Record<string, Json>; responses: Record<string, Json> } {
  const trpcCodes = Object.keys(HTTP_STATUS);
  const TrpcError: Json = {
    type: 'object',
    description: 'The tRPC error envelope. Branch on `data.appCode` (stable, documented in lib/errors.ts); show `data.userMessage` to people.',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['message', 'code', 'data'],
        properties: {
          message: { type: 'string', description: 'Same as data.userMessage for coded errors.' },
          code: { type: 'integer', description: 'JSON-RPC 2.0 error code (e.g. -32001 for UNAUTHORIZED).' },
          data: {
            type: 'object',
            required: ['code', 'httpStatus', 'appCode', 'userMessage', 'zodError'],
            properties: {
              code: { type: 'string', enum: trpcCodes },
              httpStatus: { type: 'integer' },
              path: { type: 'string', description: 'The procedure, e.g. transfers.create.' },
              appCode: { type: ['string', 'null'], enum: [...Object.keys(APP_ERRORS), null], description: 'Keystead error code; null for input validation failures (see zodError).' },
              userMessage: { type: 'string', description: 'What happened and what to do next, for a person.' },
              zodError: {
                type: ['object', 'null'],
                description: 'Input validation failures, field by field (dotted paths).',
                required: ['formErrors', 'fieldErrors'],
                properties: {
                  formErrors: { type: 'array', items: { type: 'string' } },
                  fieldErrors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
                },
              },
            },
          },
        },
      },
    },
  };
  const statuses = [...new Set(Object.values(APP_ERRORS).map((e) => HTTP_STATUS[e.trpc]!))].sort((a, b) => a - b);
  const responses = Object.fromEntries(
    statuses.map((s) => {
      const codes = Object.entries(APP_ERRORS)
        .filter(([, e]) => HTTP_STATUS[e.trpc] === s)
        .map(([code]) => code);
      return [
        `Error${s}`,
        {
          description: `${STATUS_TEXT[s] ?? 'Error.'} appCode one of: ${codes.join(', ')}.`,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/TrpcError' } } },
        },
      ];
    }),
  );
  return { schemas: { TrpcError }, responses };
}

const DESCRIPTION = `The Keystead API for back-office integrations: the same procedures the web app uses, called with an API key.

Authentication: \`Authorization: Bearer ks_<prefix>_<secret>\` (an admin creates keys in Settings → API keys; the token is shown once). A request with a Bearer header is authenticated by the key alone (cookies are ignored). API keys may call only the operations listed here, each needing the scope named in \`x-keystead-scope\`; wallet operations also need a role on the wallet (\`x-keystead-wallet-roles\`), granted to the key in the wallet's members.

Calling convention (tRPC 11 over HTTP): queries are \`GET /api/trpc/<procedure>?input=<URL-encoded JSON>\`, mutations are \`POST /api/trpc/<procedure>\` with a JSON body (no Origin header needed). Success is \`{"result":{"data":…}}\`; failures use the error envelope (\`components.schemas.TrpcError\`). Amounts in outputs are decimal strings of satoshis, dates are ISO 8601 strings.

Approvals: an API key registered with an Ed25519 or P-256 signing key approves by signing the request digest from \`transfers.approvalOptions\` (see docs/api.md and docs/approval-proofs.md).`;

/** Builds the document from a router's procedures (default: the app's). */
export function buildOpenApiDocument(procedures: Record<string, { _def: unknown }>, version: string): Json {
  const components: Record<string, Json> = {};
  const paths: Record<string, Json> = {};
  const entries = Object.entries(procedures)
    .map(([path, p]) => [path, p._def as ProcedureDef] as const)
    .filter(([, def]) => def.meta?.apiScope)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [path, def] of entries) {
    const meta = def.meta!;
    const scope = meta.apiScope as ApiScope;
    const id = operationId(path);
    const input = mergedInput(def.inputs);
    const inputSchema = input.schema ? hoistDefs(toSchema(input.schema, 'input'), `${id}Input`, components) : null;
    const outputSchema = def.output ? hoistDefs(toSchema(def.output, 'output'), `${id}Output`, components) : {};
    const roles = meta.walletRoles ? ` Wallet role: ${meta.walletRoles.join(', ')}.` : '';
    const operation: Json = {
      operationId: id,
      summary: meta.apiSummary,
      description: `Scope \`${scope}\` (${API_SCOPE_LABELS[scope].label.toLowerCase()}).${roles}${input.notes.length ? ` ${input.notes.join(' ')}` : ''}`,
      tags: [path.split('.')[0]],
      'x-keystead-scope': scope,
      ...(meta.walletRoles ? { 'x-keystead-wallet-roles': [...meta.walletRoles] } : {}),
      ...(def.type === 'query'
        ? inputSchema
          ? { parameters: [{ name: 'input', in: 'query', required: input.required, description: 'The input as JSON, URL-encoded.', content: { 'application/json': { schema: inputSchema } } }] }
          : {}
        : { requestBody: { required: input.required, content: { 'application/json': { schema: inputSchema ?? { type: 'object' } } } } }),
      responses: {
        '200': {
          description: 'Success.',
          content: { 'application/json': { schema: { type: 'object', required: ['result'], properties: { result: { type: 'object', required: ['data'], properties: { data: outputSchema } } } } } },
        },
        ...errorResponses(),
      },
    };
    paths[`/api/trpc/${path}`] = { [def.type === 'query' ? 'get' : 'post']: operation };
  }
  const errors = errorComponents();
  const tags = [...new Set(entries.map(([path]) => path.split('.')[0]!))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: { title: 'Keystead HTTP API', version, description: DESCRIPTION },
    servers: [{ url: 'https://keystead.example.com', description: 'Your Keystead deployment (its APP_ORIGIN).' }],
    security: [{ apiKey: [] }],
    tags,
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'ks_<prefix>_<secret>', description: 'An API key of your organisation: scoped, expiring, revocable; stored by Keystead only as a SHA-256 hash.' },
      },
      schemas: { ...errors.schemas, ...Object.fromEntries(Object.entries(components).sort(([a], [b]) => (a < b ? -1 : 1))) },
      responses: errors.responses,
    },
  };
}

/** The committed file's exact text. */
export function renderOpenApi(doc: Json): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
