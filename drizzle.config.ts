import { defineConfig } from 'drizzle-kit';

// Only `drizzle-kit generate` uses this (it needs no database); migrations are applied by
// scripts/migrate.ts so that PGlite and PostgreSQL go through the same code path.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
});
