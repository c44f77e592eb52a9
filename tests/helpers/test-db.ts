/**
 * A fresh, migrated database per test file: a new PostgreSQL database when TEST_DATABASE_URL is
 * set (CI), else an in-memory PGlite. Both run the same migrations as production.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { migrateDb, openDb, type DbHandle } from '@/db/client';

export interface TestDb extends DbHandle {
  /** Raw SQL as the database owner, for tests that tamper with rows on purpose. */
  exec(text: string): Promise<void>;
  /** PostgreSQL only: the connection string, so another process can use the same database. */
  url?: string;
}

export async function createTestDb(): Promise<TestDb> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const handle = await openDb({ pgliteDir: 'memory://' });
    await migrateDb(handle);
    return { ...handle, exec: async (text) => void (await handle.db.execute(sql.raw(text))) };
  }
  const { Client } = await import('pg');
  const name = `ks_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDb({ databaseUrl: url.toString() });
  await migrateDb(handle);
  return {
    ...handle,
    url: url.toString(),
    exec: async (text) => void (await handle.db.execute(sql.raw(text))),
    async close() {
      await handle.close();
      const again = new Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}
