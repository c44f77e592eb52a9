/**
 * The production build (`next start`, so `npx next build` first) as a real child process, for
 * tests that must kill the server itself. We spawn Next's own bin with node, so the PID we hold
 * is the server's, and we only ever signal that PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const NEXT_BIN = path.join(ROOT, 'node_modules/next/dist/bin/next');
const READY_TIMEOUT_MS = 60_000;

export interface AppServer {
  readonly url: string;
  readonly pid: number;
  /** Everything the server printed so far (for assertions and failure messages). */
  output(): string;
  /** Resolves with the signal (or exit code) once the process is gone. */
  exited(): Promise<NodeJS.Signals | number | null>;
  stop(): Promise<void>;
}

export function requireBuild(): void {
  if (!existsSync(path.join(ROOT, '.next/BUILD_ID'))) {
    throw new Error('These tests run the production build: run `npx next build` first (scripts/test.sh does).');
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startAppServer(env: Record<string, string>, port?: number): Promise<AppServer> {
  requireBuild();
  const listen = port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, [NEXT_BIN, 'start', '--port', String(listen), '--hostname', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const gone = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const url = `http://127.0.0.1:${listen}`;
  const server: AppServer = {
    url,
    pid: child.pid!,
    output: () => log,
    exited: () => gone,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`next start exited before it was ready:\n${log}`);
    try {
      const res = await fetch(`${url}/api/trpc/auth.me`);
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`next start not ready after ${READY_TIMEOUT_MS} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return server;
}
