/**
 * tRPC setup: context, error mapping and the procedure tiers (STYLE.md §4). Authorization lives
 * here, in the tier a procedure is built from, never in handlers:
 *   publicProcedure  - anyone (mutations still need our Origin)
 *   authedProcedure  - a signed-in, active member; ctx.session is non-null
 *   orgProcedure(r)  - additionally holds one of the org roles r
 *   walletProcedure(r) - input carries walletId; the caller holds one of the wallet roles r on a
 *                      wallet of their organisation; ctx.wallet is that wallet
 * Each tier records itself in `meta` so tests can enumerate the router and check every procedure.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import type { Db } from '@/db/client';
import { AppError } from '@/lib/errors';
import type { OrgRole, WalletRole } from '@/lib/roles';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { walletMembers, wallets } from '@/db/schema';
import type { AppConfig } from './config';
import type { SessionInfo } from './services/sessions';
import type { CoSigner } from './cosigner/types';
import type { BitcoinChain } from './chains/bitcoin/types';
import { clearSessionCookie, serializeSessionCookie } from './auth/cookies';

export interface Context {
  db: Db;
  config: AppConfig;
  session: SessionInfo | null;
  /** The request's Origin header; state-changing calls must come from APP_ORIGIN. */
  origin: string | null;
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

/** CSRF defence in depth beside SameSite=Strict: mutations must come from our own origin. */
const sameOrigin = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation' && ctx.origin !== ctx.config.APP_ORIGIN) {
    throw new AppError('ORIGIN_MISMATCH', `origin ${ctx.origin ?? '(none)'} is not ${ctx.config.APP_ORIGIN}`);
  }
  return next();
});

const signedIn = t.middleware(({ ctx, next }) => {
  if (!ctx.session) throw new AppError('NOT_SIGNED_IN');
  return next({ ctx: { ...ctx, session: ctx.session } });
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const base = t.procedure.use(appErrors).use(sameOrigin);
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

/**
 * Nobody is on a wallet by default, admins included: a wallet of another organisation, a wallet
 * the caller has no role on, and a missing wallet all answer NOT_FOUND.
 */
export const walletProcedure = (...walletRoles: readonly WalletRole[]) =>
  base
    .use(signedIn)
    .input(z.object({ walletId: z.uuid('Must be a valid id') }))
    .use(async ({ ctx, input, next }) => {
      const [row] = await ctx.db
        .select({ wallet: wallets, role: walletMembers.role })
        .from(wallets)
        .innerJoin(walletMembers, and(eq(walletMembers.walletId, wallets.id), eq(walletMembers.userId, ctx.session.userId)))
        .where(and(eq(wallets.id, input.walletId), eq(wallets.orgId, ctx.session.orgId)))
        .limit(1);
      if (!row) throw new AppError('NOT_FOUND', `wallet ${input.walletId} not visible to ${ctx.session.userId}`);
      if (!walletRoles.includes(row.role)) throw new AppError('FORBIDDEN_ROLE', `${row.role} is not one of ${walletRoles.join(', ')}`);
      return next({ ctx: { ...ctx, wallet: row.wallet, walletRole: row.role } });
    })
    .meta({ tier: 'wallet', walletRoles });

export function setSessionCookie(ctx: Context, token: string, expiresAt: Date): void {
  ctx.resHeaders.append('Set-Cookie', serializeSessionCookie(ctx.config, token, (expiresAt.getTime() - Date.now()) / 1000));
}

export function clearSession(ctx: Context): void {
  ctx.resHeaders.append('Set-Cookie', clearSessionCookie(ctx.config));
}
