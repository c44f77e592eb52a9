/**
 * Caps request bodies before anything parses them: a declared Content-Length over the cap is
 * refused at once, and a chunked body is read only up to the cap.
 */
import { APP_ERRORS } from '@/lib/errors';

export function payloadTooLarge(limit: number): Response {
  const body = {
    error: {
      message: 'Payload too large',
      code: -32600,
      data: {
        code: 'PAYLOAD_TOO_LARGE',
        httpStatus: 413,
        appCode: 'PAYLOAD_TOO_LARGE',
        userMessage: APP_ERRORS.PAYLOAD_TOO_LARGE.user,
        limitBytes: limit,
      },
    },
  };
  return new Response(JSON.stringify(body), { status: 413, headers: { 'content-type': 'application/json' } });
}

export async function limitBody(req: Request, limit: number): Promise<Request | Response> {
  if (req.method === 'GET' || req.method === 'HEAD' || !req.body) return req;
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return payloadTooLarge(limit);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return payloadTooLarge(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new Request(req.url, { method: req.method, headers: req.headers, body });
}
