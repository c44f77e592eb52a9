/**
 * Writes docs/openapi.json: the HTTP API reference for API-key integrations, generated from the
 * router's zod schemas (server/openapi.ts).
 *
 *   npm run openapi            # regenerate docs/openapi.json
 *   npm run openapi -- --check # exit 1 if the committed file is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildOpenApiDocument, renderOpenApi } from '../server/openapi';
import { appRouter } from '../server/routers/_app';

export const OPENAPI_FILE = resolve(import.meta.dirname ?? __dirname, '../docs/openapi.json');

export function generateOpenApi(): string {
  const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname ?? __dirname, '../package.json'), 'utf8')) as { version: string };
  return renderOpenApi(buildOpenApiDocument(appRouter._def.procedures as unknown as Record<string, { _def: unknown }>, pkg.version));
}

function main(args: string[]): number {
  const text = generateOpenApi();
  if (args.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OPENAPI_FILE, 'utf8');
    } catch {
      /* missing counts as stale */
    }
    if (current === text) return 0;
    console.error('docs/openapi.json is stale: run `npm run openapi` and commit the result.');
    return 1;
  }
  writeFileSync(OPENAPI_FILE, text);
  console.log(`wrote ${OPENAPI_FILE} (${Object.keys((JSON.parse(text) as { paths: object }).paths).length} operations)`);
  return 0;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) process.exitCode = main(process.argv.slice(2));
