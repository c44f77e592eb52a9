/**
 * docs/openapi.json is generated from the router (npm run openapi) and must not go stale: it is
 * exactly what the generator produces now, and it documents exactly the API-enabled procedures.
 * (Real responses are checked against it in tests/api/api-keys.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_ERRORS } from '@/lib/errors';
import { appRouter } from '@/server/routers/_app';
import type { Meta } from '@/server/trpc';
import { generateOpenApi } from '@/scripts/openapi';
import { openapi, OPENAPI_TEXT, schemaValidator } from '../helpers/openapi';

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: 'query' | 'mutation'; meta?: Meta } }>);

describe('docs/openapi.json', () => {
  it('is exactly what `npm run openapi` generates from the current router', () => {
    expect(OPENAPI_TEXT === generateOpenApi(), 'docs/openapi.json is stale: run `npm run openapi`').toBe(true);
  });

  it('documents every API-enabled procedure and nothing else, with its method and scope', () => {
    const enabled = procedures.filter(([, p]) => p._def.meta?.apiScope);
    expect(enabled.length).toBeGreaterThanOrEqual(12);
    expect(Object.keys(openapi.paths).sort()).toEqual(enabled.map(([path]) => `/api/trpc/${path}`).sort());
    for (const [path, p] of enabled) {
      const item = openapi.paths[`/api/trpc/${path}`]!;
      const method = p._def.type === 'query' ? 'get' : 'post';
      expect(Object.keys(item), path).toEqual([method]);
      expect(item[method]!['x-keystead-scope'], path).toBe(p._def.meta!.apiScope);
      expect(item[method]!.summary, path).toBe(p._def.meta!.apiSummary);
      if (method === 'get') expect(JSON.stringify(item[method]!.parameters ?? []), path).not.toContain('requestBody');
      else expect(item[method]!.requestBody, path).toBeTruthy();
    }
    expect(openapi.security).toEqual([{ apiKey: [] }]);
    expect(openapi.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('every reference resolves, and the error envelope lists every app code', () => {
    const refs = [...OPENAPI_TEXT.matchAll(/"\$ref": "#\/components\/(schemas|responses)\/([^"]+)"/g)];
    expect(refs.length).toBeGreaterThan(0);
    for (const [, kind, name] of refs) expect((openapi.components as Record<string, Record<string, unknown>>)[kind!]![name!], `${kind}/${name}`).toBeTruthy();
    const envelope = schemaValidator({ $ref: '#/components/schemas/TrpcError' });
    for (const appCode of [...Object.keys(APP_ERRORS), null]) {
      expect(envelope.safeParse({ error: { message: 'm', code: -32001, data: { code: 'UNAUTHORIZED', httpStatus: 401, path: 'p', appCode, userMessage: 'm', zodError: null } } }).success, String(appCode)).toBe(true);
    }
    expect(envelope.safeParse({ error: { message: 'm', code: -32001, data: { code: 'UNAUTHORIZED', httpStatus: 401, appCode: 'MADE_UP', userMessage: 'm', zodError: null } } }).success).toBe(false);
  });
});

describe('docs/api.md', () => {
  const DOC = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

  it('quotes the example bot verbatim (the example itself runs in tests/api/api-keys.test.ts)', () => {
    const excerpts = [...DOC.matchAll(/<!-- excerpt: (\S+) -->\n```ts\n([\s\S]*?)\n```/g)];
    expect(excerpts.length).toBeGreaterThanOrEqual(3);
    for (const [, file, code] of excerpts) {
      const source = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
      expect(source.includes(code!), `docs/api.md excerpt of ${file} no longer matches:\n${code!.slice(0, 200)}`).toBe(true);
    }
  });

  it('lists exactly the API-enabled procedures in its table', () => {
    const table = DOC.slice(DOC.indexOf('## 1.'), DOC.indexOf('Everything else'));
    const named = [...table.matchAll(/`([a-z]+\.[A-Za-z]+)`/g)].map((m) => m[1]).sort();
    expect(named).toEqual(procedures.filter(([, p]) => p._def.meta?.apiScope).map(([path]) => path).sort());
  });
});
