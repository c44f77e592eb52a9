/** Validators for the committed docs/openapi.json, so tests can check real responses against it. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const OPENAPI_TEXT = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
export const openapi = JSON.parse(OPENAPI_TEXT) as {
  paths: Record<string, Record<'get' | 'post', Record<string, unknown>>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, { content: Record<string, { schema: unknown }> }>; securitySchemes: Record<string, unknown> };
  security: unknown[];
};

const toDefs = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll('#/components/schemas/', '#/$defs/')) as Record<string, unknown>;

/** A zod validator for a JSON Schema of the document (component references resolved). */
export function schemaValidator(schema: unknown): z.ZodType {
  return z.fromJSONSchema({ ...toDefs(schema), $defs: toDefs(openapi.components.schemas) } as never);
}

/** The documented body of a procedure's response with this status. */
export function documentedResponse(path: string, status: number): z.ZodType {
  const item = openapi.paths[`/api/trpc/${path}`];
  if (!item) throw new Error(`${path} is not in docs/openapi.json`);
  const op = (item.get ?? item.post) as { responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }> };
  let response = op.responses[String(status)];
  if (!response) throw new Error(`${path} documents no ${status} response`);
  if (response.$ref) response = openapi.components.responses[response.$ref.split('/').at(-1)!];
  return schemaValidator(response!.content!['application/json']!.schema);
}
