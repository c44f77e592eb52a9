/**
 * An API client as a customer's back office runs it: the real tRPC client (or raw HTTP) against
 * the real handler, authenticated only by `Authorization: Bearer ks_…` (no cookie, no Origin).
 */
import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import type { AppRouter } from '@/server/routers/_app';
import { ORIGIN, type ApiHost, type RawResult } from './api';

export function apiClient(app: ApiHost, token: string, opts: { batch?: boolean } = {}) {
  const link = opts.batch ? httpBatchLink : httpLink;
  return createTRPCClient<AppRouter>({
    links: [
      link({
        url: `${ORIGIN}/api/trpc`,
        headers: { authorization: `Bearer ${token}` },
        fetch: (url, init) => app.handler(new Request(url, init as RequestInit)),
      }),
    ],
  });
}

export type ApiClient = ReturnType<typeof apiClient>;

/**
 * Calls any procedure by path with the given Authorization header value (and optionally a cookie),
 * the way the OpenAPI document describes it: GET ?input=<JSON> for queries, POST JSON for mutations.
 */
export async function callWithAuth(
  app: ApiHost,
  authorization: string | null,
  path: string,
  type: 'query' | 'mutation',
  input: unknown,
  extra: { cookie?: string | null } = {},
): Promise<RawResult> {
  const headers = new Headers();
  if (authorization) headers.set('authorization', authorization);
  if (extra.cookie) headers.set('cookie', extra.cookie);
  let res: Response;
  if (type === 'query') {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    res = await app.handler(new Request(`${ORIGIN}/api/trpc/${path}${qs}`, { headers }));
  } else {
    headers.set('content-type', 'application/json');
    res = await app.handler(new Request(`${ORIGIN}/api/trpc/${path}`, { method: 'POST', headers, body: JSON.stringify(input ?? {}) }));
  }
  return { status: res.status, body: (await res.json()) as RawResult['body'] };
}
