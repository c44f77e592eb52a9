/**
 * HTTP and JSON-RPC 1.0 transport shared by both backends (bcoin serves its REST API and
 * JSON-RPC on one port; Bitcoin Core serves JSON-RPC on `/` and `/wallet/<name>`). Transport
 * failures become ChainErrors here, once: NODE_UNREACHABLE (refused, reset, timeout), NODE_AUTH
 * (401/403), BAD_RESPONSE (not JSON-RPC); an RPC error object becomes RPC_ERROR with the node's
 * code and message, for the backend to map further.
 */
import { z } from 'zod';
import { ChainError } from './errors';

export interface NodeEndpoint {
  /** Base URL without credentials, e.g. http://127.0.0.1:48332. */
  readonly url: string;
  /** Value of the Authorization header, if any. */
  readonly authorization?: string;
  readonly timeoutMs: number;
  /** Names the backend in messages: "bcoin" or "Bitcoin Core". */
  readonly label: string;
}

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

export interface HttpResult {
  readonly status: number;
  /** Parsed JSON body; undefined when the body is empty or not JSON. */
  readonly json: unknown;
}

export async function requestNode(
  endpoint: NodeEndpoint,
  path: string,
  init: { method: 'GET' | 'POST'; body?: unknown; timeoutMs?: number },
): Promise<HttpResult> {
  const timeoutMs = init.timeoutMs ?? endpoint.timeoutMs;
  const target = new URL(path, endpoint.url);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (endpoint.authorization) headers.authorization = endpoint.authorization;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  let text: string;
  try {
    response = await fetch(target, {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const isTimeout = error instanceof DOMException && error.name === 'TimeoutError';
    const what = isTimeout
      ? `The ${endpoint.label} node at ${endpoint.url} did not answer ${init.method} ${target.pathname} within ${timeoutMs} ms.`
      : `Could not reach the ${endpoint.label} node at ${endpoint.url} (${describeNetworkError(error)}).`;
    throw new ChainError('NODE_UNREACHABLE', what, { cause: error });
  }
  if (response.status === 401 || response.status === 403) {
    throw new ChainError('NODE_AUTH', `The ${endpoint.label} node at ${endpoint.url} answered HTTP ${response.status}.`);
  }
  return { status: response.status, json: parseJson(text) };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeNetworkError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

const RpcReplySchema = z.object({
  result: z.unknown().optional(),
  error: z.object({ code: z.number(), message: z.string() }).nullable().optional(),
  id: z.unknown().optional(),
});

/** One JSON-RPC call; `path` selects e.g. a Bitcoin Core wallet (`/wallet/<name>`). */
export async function callRpc(
  endpoint: NodeEndpoint,
  method: string,
  params: readonly unknown[],
  options: { path?: string; timeoutMs?: number } = {},
): Promise<unknown> {
  // One request per HTTP exchange, so the id only has to be present, not unique.
  const id = 'keystead';
  const reply = await requestNode(endpoint, options.path ?? '/', {
    method: 'POST',
    body: { jsonrpc: '1.0', id, method, params },
    timeoutMs: options.timeoutMs,
  });
  // Bitcoin Core answers RPC errors with HTTP 500 (404 for an unknown method) and a JSON body.
  const parsed = RpcReplySchema.safeParse(reply.json);
  if (!parsed.success) {
    throw new ChainError('BAD_RESPONSE', `The ${endpoint.label} node answered ${method} with HTTP ${reply.status} and no JSON-RPC reply.`);
  }
  const { result, error } = parsed.data;
  if (error) {
    throw new ChainError('RPC_ERROR', `The ${endpoint.label} node refused ${method}: ${error.message} (code ${error.code}).`, {
      reason: error.message,
      rpcCode: error.code,
    });
  }
  return result;
}

/** Parses a node reply with `schema`, or throws BAD_RESPONSE naming what was asked. */
export function parseReply<T>(schema: z.ZodType<T>, value: unknown, what: string, label: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? ` (${issue.path.join('.') || 'value'}: ${issue.message})` : '';
    throw new ChainError('BAD_RESPONSE', `Unexpected ${label} reply to ${what}${where}.`);
  }
  return parsed.data;
}

export function isRpcError(error: unknown, rpcCode: number): error is ChainError {
  return error instanceof ChainError && error.code === 'RPC_ERROR' && error.rpcCode === rpcCode;
}
