import type { Db } from '@/db/client';
import type { AppConfig } from './config';
import { readCookie, sessionCookieName } from './auth/cookies';
import { loadSession } from './services/sessions';
import type { Context } from './trpc';
import type { CoSigner } from './cosigner/types';
import type { BitcoinChain } from './chains/bitcoin/types';

export async function createContext(opts: {
  req: Request;
  resHeaders: Headers;
  db: Db;
  config: AppConfig;
  getCoSigner: () => Promise<CoSigner>;
  getChain: () => Promise<BitcoinChain>;
}): Promise<Context> {
  const { req, resHeaders, db, config, getCoSigner, getChain } = opts;
  const token = readCookie(req.headers.get('cookie'), sessionCookieName(config));
  return {
    db,
    config,
    session: await loadSession(db, token),
    origin: req.headers.get('origin'),
    userAgent: req.headers.get('user-agent'),
    resHeaders,
    getCoSigner,
    getChain,
  };
}
