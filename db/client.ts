/**
 * Opens the database on one of two engines of the same dialect: PostgreSQL when DATABASE_URL is
 * set (production, CI), else embedded PGlite (quick start). Both go through Drizzle, so the rest
 * of the code sees one `Db` type.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface DbTarget {
  databaseUrl?: string | undefined;
  pgliteDir?: string | undefined;
}

export interface DbHandle {
  db: Db;
  engine: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = path.join(process.cwd(), 'db', 'migrations');

export async function openDb(target: DbTarget): Promise<DbHandle> {
  if (target.databaseUrl) {
    const { Pool } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const pool = new Pool({ connectionString: target.databaseUrl, max: 10 });
    return { db: drizzle(pool, { schema }) as unknown as Db, engine: 'postgres', close: () => pool.end() };
  }
  const dir = target.pgliteDir ?? '.data/pglite';
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  // PGlite does not create parent directories itself.
  if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir);
  await client.waitReady;
  return { db: drizzle(client, { schema }) as unknown as Db, engine: 'pglite', close: () => client.close() };
}

export async function migrateDb(handle: DbHandle): Promise<void> {
  if (handle.engine === 'postgres') {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_DIR });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_DIR });
  }
}
