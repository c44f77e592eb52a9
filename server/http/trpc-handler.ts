import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Db } from '@/db/client';
import type { AppConfig } from '../config';
import type { CoSigner } from '../cosigner/types';
import type { BitcoinChain } from '../chains/bitcoin/types';
import { createContext } from '../context';
import { appRouter } from '../routers/_app';
import { limitBody } from './body-limit';

/** The whole API as one fetch handler: the Next route uses it, and so do the API tests. */
export function createTrpcHandler(deps: { getDb: () => Promise<Db>; getConfig: () => AppConfig; getCoSigner: () => Promise<CoSigner>; getChain: () => Promise<BitcoinChain>; now?: () => Date }) {
  return async function handleTrpc(req: Request): Promise<Response> {
    const config = deps.getConfig();
    const limited = await limitBody(req, config.MAX_BODY_BYTES);
    if (limited instanceof Response) return limited;
    const db = await deps.getDb();
    return fetchRequestHandler({
      endpoint: '/api/trpc',
      req: limited,
      router: appRouter,
      createContext: ({ req: r, resHeaders }) => createContext({ req: r, resHeaders, db, config, getCoSigner: deps.getCoSigner, getChain: deps.getChain, now: deps.now }),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path ?? '?'}:`, error.cause ?? error);
      },
      responseMeta: () => ({ headers: { 'cache-control': 'no-store' } }),
    });
  };
}
