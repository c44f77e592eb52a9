import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { getConfig } from '../config';
import { createContext } from '../context';
import { getDb } from '../db';
import { appRouter } from '../routers/_app';
import { limitBody } from './body-limit';

export async function handleTrpc(req: Request): Promise<Response> {
  const config = getConfig();
  const limited = await limitBody(req, config.MAX_BODY_BYTES);
  if (limited instanceof Response) return limited;
  const db = await getDb();
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: limited,
    router: appRouter,
    createContext: ({ req: r, resHeaders }) => createContext({ req: r, resHeaders, db, config }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path ?? '?'}:`, error.cause ?? error);
    },
    responseMeta: () => ({ headers: { 'cache-control': 'no-store' } }),
  });
}
