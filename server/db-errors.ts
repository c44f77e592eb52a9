/** Recognises PostgreSQL errors through Drizzle's wrapper, identically for `pg` and PGlite. */
function pgErrorOf(error: unknown): { code?: string; constraint?: string; message?: string } | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string') return e as { code: string };
  }
  return undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = pgErrorOf(error);
  if (pg?.code !== '23505') return false;
  if (!constraint) return true;
  // PGlite does not always fill `constraint`; its message names the index.
  return pg.constraint === constraint || (pg.message ?? String(error)).includes(constraint);
}
