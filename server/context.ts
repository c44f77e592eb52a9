import type { Db } from '@/db/client';
import { AppError } from '@/lib/errors';
import type { AppConfig } from './config';
import { readCookie, sessionCookieName } from './auth/cookies';
import { authenticateApiKey, bearerToken, type ApiKeyInfo } from './services/api-keys';
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
  now?: () => Date;
}): Promise<Context> {
  const { req, resHeaders, db, config, getCoSigner, getChain } = opts;
  const common = { db, config, now: opts.now ?? (() => new Date()), actor: null, origin: req.headers.get('origin'), userAgent: req.headers.get('user-agent'), resHeaders, getCoSigner, getChain };
  // `Authorization: Bearer …` means an API client. Such a request is the API key or nothing: the
  // cookie is never consulted, so a bad token cannot fall back to a person's session.
  const bearer = bearerToken(req.headers.get('authorization'));
  if (bearer !== null) {
    let apiKey: ApiKeyInfo | null = null;
    let authError: AppError | null = null;
    try {
      apiKey = await authenticateApiKey(db, bearer);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      authError = error;
    }
    return { ...common, session: null, apiKey, authError };
  }
  const token = readCookie(req.headers.get('cookie'), sessionCookieName(config));
  return { ...common, session: await loadSession(db, token), apiKey: null, authError: null };
}
