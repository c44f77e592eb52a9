/**
 * tRPC setup: context, error mapping and the procedure tiers (STYLE.md §4). Authorization lives
 * here, in the tier a procedure is built from, never in handlers:
 *   publicProcedure  - anyone (mutations still need our Origin)
 *   authedProcedure  - a signed-in, active member; ctx.session is non-null
 *   orgProcedure(r)  - additionally holds one of the org roles r
 *   walletProcedure(r) - input carries walletId; the caller holds one of the wallet roles r on a
 *                      wallet of their organisation; ctx.wallet is that wallet
 * Each tier records itself in `meta` so tests can enumerate the router and check every procedure.
 *
 * API keys (`Authorization: Bearer ks_…`, server/services/api-keys.ts) may call only procedures
 * built from the API-enabled variants, `apiAuthedProcedure(spec)` and `apiWalletProcedure(spec, …)`,
 * which record `meta.apiScope`; the key must hold that scope. Every other procedure answers an
 * API key with FORBIDDEN (API_KEY_NOT_ALLOWED). In the API-enabled variants `ctx.session` is
 * `SessionInfo | null` (null for keys): they identify the caller by `ctx.actor` only.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import type { Db } from '@/db/client';
import { AppError } from '@/lib/errors';
import type { OrgRole, WalletRole } from '@/lib/roles';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { walletApiKeys, walletMembers, wallets } from '@/db/schema';
import type { ApiScope } from '@/lib/api-keys';
import type { AppConfig } from './config';
import type { ApiKeyInfo } from './services/api-keys';
import type { SessionInfo } from './services/sessions';
import type { Actor } from './services/transfers';
import type { CoSigner } from './cosigner/types';
import type { BitcoinChain } from './chains/bitcoin/types';
import { clearSessionCookie, serializeSessionCookie } from './auth/cookies';

export interface Context {
  db: Db;
  config: AppConfig;
  /** A person signed in with the session cookie. Always null on a request with a bearer header. */
  session: SessionInfo | null;
  /** The API key of a request with `Authorization: Bearer ks_…` that authenticated. */
  apiKey: ApiKeyInfo | null;
  /** A bearer header that did not authenticate: every procedure answers with this error. */
  authError: AppError | null;
  /** Who is calling, person or API key; set by the authenticated tiers (null before / when anonymous). */
  actor: Actor | null;
  /** The request's Origin header; state-changing calls must come from APP_ORIGIN. */
  origin: string | null;
  /** The time, injectable so tests can move a waiting period forward. */
  now: () => Date;
  userAgent: string | null;
  resHeaders: Headers;
  /** Opened lazily: most requests never touch the HSM. */
  getCoSigner: () => Promise<CoSigner>;
  getChain: () => Promise<BitcoinChain>;
}

export type Tier = 'public' | 'authed' | 'org' | 'wallet';
export interface Meta {
  tier: Tier;
  roles?: readonly OrgRole[];
  walletRoles?: readonly WalletRole[];
  /** Set only by the API-enabled tiers: API keys holding this scope may call the procedure. */
  apiScope?: ApiScope;
  /** One line for the HTTP API reference (docs/openapi.json). */
  apiSummary?: string;
}

/** How a procedure is opened to API keys (see the API-enabled tiers below). */
export interface ApiSpec {
  scope: ApiScope;
  summary: string;
}

export interface FlatFieldErrors {
  formErrors: string[];
  fieldErrors: Record<string, string[]>;
}

/** Works for ZodError and Standard Schema issues alike (tRPC v11 wraps zod 4 errors as the latter). */
function flattenIssues(cause: unknown): FlatFieldErrors | null {
  const issues = (cause as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(issues)) return null;
  const flat: FlatFieldErrors = { formErrors: [], fieldErrors: {} };
  for (const issue of issues as { message: string; path?: readonly (PropertyKey | { key: PropertyKey })[] }[]) {
    const path = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
    if (path) (flat.fieldErrors[path] ??= []).push(issue.message);
    else flat.formErrors.push(issue.message);
  }
  return flat;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error }) {
      // A body that is not JSON surfaces from the adapter as a SyntaxError: give it a code too.
      const appError =
        error.cause instanceof AppError
          ? error.cause
          : error.code === 'BAD_REQUEST' && error.cause instanceof SyntaxError
            ? new AppError('MALFORMED_REQUEST', error.cause.message)
            : null;
      const zodError = error.code === 'BAD_REQUEST' && !appError ? flattenIssues(error.cause) : null;
      // Never leak internals (SQL, stack traces) of unexpected failures to the client.
      const isUnexpected = error.code === 'INTERNAL_SERVER_ERROR' && !appError;
      const appCode = appError?.code ?? (isUnexpected ? 'INTERNAL' : null);
      const message = isUnexpected ? 'Internal error' : zodError ? 'Invalid input' : appError ? appError.userMessage : shape.message;
      const { stack: _stack, ...data } = shape.data;
      return {
        ...shape,
        message,
        data: {
          ...data,
          appCode,
          userMessage: appError?.userMessage ?? (zodError ? 'Some fields are invalid. Correct them and try again.' : isUnexpected ? 'Something went wrong on our side. Try again; if it persists, contact support.' : shape.message),
          zodError,
        },
      };
    },
  });

/** Turns AppError (thrown anywhere below) into the TRPCError its code maps to. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.trpcCode, message: cause.userMessage, cause });
  }
  return result;
});

/**
 * Runs before everything else on every procedure: a bearer header that did not authenticate is
 * refused outright (never treated as anonymous, never as the cookie's person), and an API key
 * reaches only procedures that opted in (meta.apiScope) with that scope granted.
 */
const apiKeyGate = t.middleware(({ ctx, meta, path, next }) => {
  if (ctx.authError) throw ctx.authError;
  if (ctx.apiKey) {
    const scope = meta?.apiScope;
    if (!scope) throw new AppError('API_KEY_NOT_ALLOWED', `${path} is not API-enabled`);
    if (!ctx.apiKey.scopes.includes(scope)) {
      throw new AppError('API_KEY_SCOPE', `key ${ctx.apiKey.prefix} lacks ${scope} for ${path}`, {
        userMessage: `This API key does not have the scope "${scope}" that ${path} needs. Ask an admin for a key with that scope.`,
      });
    }
  }
  return next();
});

/**
 * CSRF defence in depth beside SameSite=Strict: mutations must come from our own origin.
 * Only cookie sessions need it: CSRF works by a hostile page making the browser attach its
 * ambient credential (the cookie). A bearer-authenticated request carries no ambient credential
 * (the cookie is ignored when an Authorization: Bearer header is present, see server/context.ts):
 * its caller must hold the secret token itself, and a browser page cannot add an Authorization
 * header to a cross-origin request without a CORS preflight this API never grants. Server-to-
 * server clients also send no Origin, so requiring one would only break them.
 */
const sameOrigin = t.middleware(({ ctx, type, next }) => {
  if (ctx.apiKey) return next();
  if (type === 'mutation' && ctx.origin !== ctx.config.APP_ORIGIN) {
    throw new AppError('ORIGIN_MISMATCH', `origin ${ctx.origin ?? '(none)'} is not ${ctx.config.APP_ORIGIN}`);
  }
  return next();
});

function userActor(session: SessionInfo): Actor {
  return { orgId: session.orgId, principal: { kind: 'user', id: session.userId }, userId: session.userId };
}

function apiKeyActor(key: ApiKeyInfo): Actor {
  return { orgId: key.orgId, principal: { kind: 'api_key', id: key.id }, userId: null };
}

/** People-only tiers. The apiKeyGate already refused keys (no apiScope); this is the backstop. */
const signedIn = t.middleware(({ ctx, next }) => {
  if (ctx.apiKey) throw new AppError('API_KEY_NOT_ALLOWED', 'people-only tier');
  if (!ctx.session) throw new AppError('NOT_SIGNED_IN');
  return next({ ctx: { ...ctx, session: ctx.session, actor: userActor(ctx.session) } });
});

/** API-enabled tiers: a person or an API key; `session` stays nullable so handlers use `actor`. */
const signedInOrApiKey = t.middleware(({ ctx, next }) => {
  if (ctx.apiKey) return next({ ctx: { ...ctx, session: null as SessionInfo | null, apiKey: ctx.apiKey as ApiKeyInfo | null, actor: apiKeyActor(ctx.apiKey) } });
  if (!ctx.session) throw new AppError('NOT_SIGNED_IN');
  return next({ ctx: { ...ctx, session: ctx.session as SessionInfo | null, actor: userActor(ctx.session) } });
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const base = t.procedure.use(appErrors).use(apiKeyGate).use(sameOrigin);
export const publicProcedure = base.meta({ tier: 'public' });
export const authedProcedure = base.use(signedIn).meta({ tier: 'authed' });
export const orgProcedure = (...roles: readonly OrgRole[]) =>
  base
    .use(signedIn)
    .use(({ ctx, next }) => {
      if (!roles.includes(ctx.session.role)) {
        throw new AppError('FORBIDDEN_ROLE', `${ctx.session.role} is not one of ${roles.join(', ')}`);
      }
      return next();
    })
    .meta({ tier: 'org', roles });

const WalletIdIn = z.object({ walletId: z.uuid('Must be a valid id') });

/**
 * Nobody is on a wallet by default, admins included: a wallet of another organisation, a wallet
 * the caller has no role on, and a missing wallet all answer NOT_FOUND.
 */
export const walletProcedure = (...walletRoles: readonly WalletRole[]) =>
  base
    .use(signedIn)
    .input(WalletIdIn)
    .use(async ({ ctx, input, next }) => next({ ctx: { ...ctx, ...(await walletOf(ctx.db, ctx.actor, input.walletId, walletRoles)) } }))
    .meta({ tier: 'wallet', walletRoles });

/**
 * The wallet with the actor's role on it: people's roles are in wallet_members, API keys' in
 * wallet_api_keys. Another organisation's wallet, no role, and no wallet are all NOT_FOUND.
 */
async function walletOf(db: Db, actor: Actor, walletId: string, walletRoles: readonly WalletRole[]) {
  const { principal } = actor;
  const [row] =
    principal.kind === 'user'
      ? await db
          .select({ wallet: wallets, role: walletMembers.role })
          .from(wallets)
          .innerJoin(walletMembers, and(eq(walletMembers.walletId, wallets.id), eq(walletMembers.userId, principal.id)))
          .where(and(eq(wallets.id, walletId), eq(wallets.orgId, actor.orgId)))
          .limit(1)
      : await db
          .select({ wallet: wallets, role: walletApiKeys.role })
          .from(wallets)
          .innerJoin(walletApiKeys, and(eq(walletApiKeys.walletId, wallets.id), eq(walletApiKeys.apiKeyId, principal.id)))
          .where(and(eq(wallets.id, walletId), eq(wallets.orgId, actor.orgId)))
          .limit(1);
  if (!row) throw new AppError('NOT_FOUND', `wallet ${walletId} not visible to ${principal.kind} ${principal.id}`);
  if (!walletRoles.includes(row.role)) throw new AppError('FORBIDDEN_ROLE', `${row.role} is not one of ${walletRoles.join(', ')}`);
  return { wallet: row.wallet, walletRole: row.role };
}

/**
 * `authedProcedure` opened to API keys holding `spec.scope`. `ctx.session` is null for keys:
 * identify the caller by `ctx.actor`.
 */
export const apiAuthedProcedure = (spec: ApiSpec) =>
  base.use(signedInOrApiKey).meta({ tier: 'authed', apiScope: spec.scope, apiSummary: spec.summary });

/**
 * `walletProcedure` opened to API keys holding `spec.scope`; the key's wallet role comes from
 * wallet_api_keys and must be one of `walletRoles`. `ctx.session` is null for keys.
 */
export const apiWalletProcedure = (spec: ApiSpec, ...walletRoles: readonly WalletRole[]) =>
  base
    .use(signedInOrApiKey)
    .input(WalletIdIn)
    .use(async ({ ctx, input, next }) => next({ ctx: { ...ctx, ...(await walletOf(ctx.db, ctx.actor, input.walletId, walletRoles)) } }))
    .meta({ tier: 'wallet', walletRoles, apiScope: spec.scope, apiSummary: spec.summary });

export function setSessionCookie(ctx: Context, token: string, expiresAt: Date): void {
  ctx.resHeaders.append('Set-Cookie', serializeSessionCookie(ctx.config, token, (expiresAt.getTime() - Date.now()) / 1000));
}

export function clearSession(ctx: Context): void {
  ctx.resHeaders.append('Set-Cookie', clearSessionCookie(ctx.config));
}
