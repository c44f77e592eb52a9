/**
 * The server process's one database handle. Kept on globalThis so that Next's hot reload does
 * not open the PGlite data dir twice (two opens of one dir silently lose data).
 */
import { migrateDb, openDb, type Db, type DbHandle } from '@/db/client';
import { getConfig } from './config';

const globalForDb = globalThis as unknown as { __keysteadDb?: Promise<DbHandle> };

export function getDbHandle(): Promise<DbHandle> {
  globalForDb.__keysteadDb ??= (async () => {
    const config = getConfig();
    const handle = await openDb({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR });
    // The embedded database migrates itself so the quick start needs no separate step;
    // PostgreSQL is migrated explicitly by `npm run db:migrate` (deploy step).
    if (handle.engine === 'pglite') await migrateDb(handle);
    return handle;
  })();
  return globalForDb.__keysteadDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}
