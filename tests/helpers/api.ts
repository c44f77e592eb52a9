/**
 * The real API (router, tiers, error formatter, body limit) behind its fetch handler, driven by
 * the real tRPC client. Each `Browser` keeps its own cookie jar and software authenticator, so
 * tests act as separate people.
 */
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { parseConfig, type AppConfig } from '@/server/config';
import { createTrpcHandler } from '@/server/http/trpc-handler';
import type { AppRouter } from '@/server/routers/_app';
import { createCoSigner } from '@/server/cosigner';
import type { CoSigner } from '@/server/cosigner/types';
import type { BitcoinChain } from '@/server/chains/bitcoin/types';
import { SoftAuthenticator } from './soft-authenticator';
import { createTempSoftHsm } from './softhsm';
import type { TestDb } from './test-db';

export const ORIGIN = 'http://localhost:3000';

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return parseConfig({ NODE_ENV: 'test', APP_ORIGIN: ORIGIN, ...overrides });
}

let sharedCoSigner: Promise<CoSigner> | null = null;

/** A real SoftHSM2-backed co-signer on a throw-away token, opened on first use (once per test file). */
export function testCoSigner(): Promise<CoSigner> {
  sharedCoSigner ??= (async () => {
    const hsm = createTempSoftHsm();
    hsm.initToken('keystead-api-test');
    return createCoSigner(hsm.config('keystead-api-test'));
  })();
  return sharedCoSigner;
}

/** Anything that answers the app's HTTP requests: the in-process handler, or a real server. */
export interface ApiHost {
  readonly handler: (req: Request) => Promise<Response>;
  browser(): Browser;
}

/**
 * A running app server (e.g. `next start` spawned by a test). Requests keep the ORIGIN URL the
 * cookies and passkeys are bound to; only the socket goes to `baseUrl`.
 */
export class RemoteApp implements ApiHost {
  constructor(public baseUrl: string) {}
  readonly handler = (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    return fetch(new URL(url.pathname + url.search, this.baseUrl), { method: req.method, headers: req.headers, body: req.body, redirect: 'manual', duplex: 'half' } as RequestInit);
  };
  browser(): Browser {
    return new Browser(this);
  }
}

export class TestApp implements ApiHost {
  /** Moves the API's clock (ctx.now) forward, e.g. past a waiting period. */
  clockOffsetMs = 0;
  readonly handler: (req: Request) => Promise<Response>;
  constructor(
    readonly db: TestDb,
    readonly config: AppConfig = testConfig(),
    getChain: () => Promise<BitcoinChain> = () => Promise.reject(new Error('no chain node in this test file')),
  ) {
    this.handler = createTrpcHandler({ getDb: async () => db.db, getConfig: () => config, getCoSigner: testCoSigner, getChain, now: () => new Date(Date.now() + this.clockOffsetMs) });
  }

  browser(): Browser {
    return new Browser(this);
  }

  /** A raw HTTP call, for malformed requests the typed client cannot make. */
  raw(path: string, init: RequestInit = {}): Promise<Response> {
    return this.handler(new Request(`${ORIGIN}/api/trpc/${path}`, init));
  }
}

export class Browser {
  cookie: string | null = null;
  origin: string | null = ORIGIN;
  readonly authenticator = new SoftAuthenticator(ORIGIN);
  readonly api;

  constructor(readonly app: ApiHost) {
    this.api = createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${ORIGIN}/api/trpc`,
          fetch: async (url, init) => {
            const headers = new Headers(init?.headers);
            if (this.cookie) headers.set('cookie', this.cookie);
            if (this.origin && init?.method === 'POST') headers.set('origin', this.origin);
            const res = await app.handler(new Request(url, { ...(init as RequestInit), headers }));
            for (const set of res.headers.getSetCookie()) {
              const [pair] = set.split(';');
              const value = pair!.slice(pair!.indexOf('=') + 1);
              this.cookie = value ? pair! : null;
            }
            return res;
          },
        }),
      ],
    });
  }

  async signup(input: { orgName: string; displayName: string; email: string }) {
    const { ceremonyId, options } = await this.api.auth.signupStart.mutate(input);
    const response = this.authenticator.create(options as never);
    await this.api.auth.signupFinish.mutate({ ceremonyId, response });
    return this.api.auth.me.query();
  }

  async signin() {
    const { ceremonyId, options } = await this.api.auth.signinStart.mutate({});
    const response = this.authenticator.get(options as never);
    await this.api.auth.signinFinish.mutate({ ceremonyId, response });
    return this.api.auth.me.query();
  }

  /** Approves (or rejects) a transfer with this browser's passkey over the request digest. */
  async decideTransfer(walletId: string, transferId: string, decision: 'approve' | 'reject' = 'approve') {
    const { options } = await this.api.transfers.approvalOptions.query({ walletId, transferId, decision });
    const passkey = this.authenticator.get(options as never);
    return decision === 'approve'
      ? this.api.transfers.approve.mutate({ walletId, transferId, passkey })
      : this.api.transfers.reject.mutate({ walletId, transferId, passkey });
  }

  async acceptInvite(url: string, displayName: string) {
    const token = new URL(url).hash.slice(1);
    const { ceremonyId, options } = await this.api.invites.acceptStart.mutate({ token, displayName });
    const response = this.authenticator.create(options as never);
    await this.api.invites.acceptFinish.mutate({ token, ceremonyId, response });
    return this.api.auth.me.query();
  }
}

export interface ErrorData {
  code: string;
  httpStatus: number;
  appCode: string | null;
  userMessage: string;
  zodError: { formErrors: string[]; fieldErrors: Record<string, string[]> } | null;
}

/** Runs `fn`, expects a tRPC error, returns its formatted data. */
export async function expectApiError(fn: () => Promise<unknown>): Promise<ErrorData> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof TRPCClientError) return error.data as ErrorData;
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${Date.now().toString(36)}.${counter}@example.com`;
}

export interface RawResult {
  status: number;
  body: { result?: { data: unknown }; error?: { message: string; data: ErrorData } };
}

/** Calls any procedure by path over HTTP as `who` (or anonymously), as a browser would. */
export async function callByPath(app: TestApp, who: Browser | null, path: string, type: 'query' | 'mutation', input: unknown): Promise<RawResult> {
  const headers = new Headers();
  if (who?.cookie) headers.set('cookie', who.cookie);
  let res: Response;
  if (type === 'query') {
    const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    res = await app.raw(`${path}${qs}`, { headers });
  } else {
    headers.set('content-type', 'application/json');
    headers.set('origin', ORIGIN);
    res = await app.raw(path, { method: 'POST', headers, body: JSON.stringify(input ?? {}) });
  }
  return { status: res.status, body: (await res.json()) as RawResult['body'] };
}
