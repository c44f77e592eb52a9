/** Applies db/migrations to the configured database (PostgreSQL or PGlite) from scratch or onward. */
import { migrateDb, openDb } from '../db/client';
import { parseConfig } from '../server/config';

async function main() {
  const config = parseConfig(process.env);
  const handle = await openDb({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
  const where = handle.engine === 'postgres' ? 'PostgreSQL' : `PGlite (${config.PGLITE_DIR})`;
  try {
    await migrateDb(handle);
    console.log(`migrations applied to ${where}`);
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
