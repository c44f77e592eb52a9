/**
 * An HTTP pass-through to the chain node that records every request, so a test can count
 * broadcasts as the node saw them (not as the app reports them).
 */
import { createServer, request as httpRequest, type Server } from 'node:http';

export interface CountingProxy {
  readonly url: string;
  /** Requests seen, as "METHOD /path" (+ " method" for JSON-RPC calls). */
  readonly seen: string[];
  count(pattern: RegExp): number;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target);
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let label = `${req.method} ${req.url}`;
      try {
        const rpc = JSON.parse(body.toString()) as { method?: unknown };
        if (typeof rpc.method === 'string') label += ` ${rpc.method}`;
      } catch {
        // not JSON
      }
      seen.push(label);
      const upstream = httpRequest(
        { hostname: to.hostname, port: to.port, path: req.url, method: req.method, headers: { ...req.headers, host: to.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', (e) => {
        res.writeHead(502);
        res.end(e.message);
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    count: (pattern) => seen.filter((s) => pattern.test(s)).length,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
