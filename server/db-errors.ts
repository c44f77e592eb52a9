/** Recognises PostgreSQL errors through Drizzle's wrapper, identically for `pg` and PGlite. */
function pgErrorOf(error: unknown): { code?: string; constraint?: string; message?: string } | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string') return e as { code: string };
  }
  return undefined;
}

import { AppError, type AppErrorCode } from '@/lib/errors';

/** Unique constraints whose violation is a user-level conflict, not a server fault. */
const CONFLICTS: Record<string, AppErrorCode> = {
  users_email_key: 'EMAIL_TAKEN',
  passkeys_credential_id_key: 'PASSKEY_ALREADY_REGISTERED',
  whitelist_entries_live_key: 'ALREADY_EXISTS',
  principal_groups_org_name_key: 'ALREADY_EXISTS',
};

/** Rethrows a known unique violation (e.g. a concurrent sign-up) as its AppError; else rethrows as is. */
export function rethrowConflict(error: unknown): never {
  for (const [constraint, code] of Object.entries(CONFLICTS)) {
    if (isUniqueViolation(error, constraint)) throw new AppError(code, `unique violation on ${constraint}`, { cause: error });
  }
  throw error;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = pgErrorOf(error);
  if (pg?.code !== '23505') return false;
  if (!constraint) return true;
  // PGlite does not always fill `constraint`; its message names the index.
  return pg.constraint === constraint || (pg.message ?? String(error)).includes(constraint);
}
