/**
 * A real bcoin regtest node for one test file: `node scripts/bcoin-node.mjs --fresh --port 0`
 * (so the script is exercised too) in its own temp dir on a free port, already past segwit
 * activation (height 432). Stop it in afterAll: SIGTERM to the PID we spawned, SIGKILL after
 * 10 s, then the temp dir is removed. `--exit-on-stdin-end` makes the node exit on its own if
 * the test process dies without stopping it (its stdin pipe closes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BcoinChain, type BcoinChainOptions } from '@/server/chains/bitcoin/bcoin';

const SCRIPT = path.resolve(__dirname, '../../scripts/bcoin-node.mjs');
const BCOIN_BIN = path.resolve(__dirname, '../../node_modules/bcoin/bin/node');
const START_TIMEOUT_MS = 45_000;
const STOP_TIMEOUT_MS = 10_000;

export interface TestBcoinNode {
  readonly url: string;
  readonly apiKey: string;
  readonly datadir: string;
  readonly pid: number;
  /** The variables bcoin-node.mjs printed (BITCOIN_BACKEND, BITCOIN_RPC_URL, BCOIN_API_KEY ...). */
  readonly env: Readonly<Record<string, string>>;
  chain(overrides?: Partial<BcoinChainOptions>): BcoinChain;
  stop(): Promise<void>;
}

export async function startBcoinNode(): Promise<TestBcoinNode> {
  const child = spawn(process.execPath, [SCRIPT, '--fresh', '--port', '0', '--exit-on-stdin-end'], {
    env: { ...process.env, NODE_BACKEND: 'js' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const env = await readExports(child).catch(async (error: unknown) => {
    await stopChild(child);
    throw error;
  });
  const url = env.BITCOIN_RPC_URL!;
  const apiKey = env.BCOIN_API_KEY!;
  const datadir = env.BCOIN_DATADIR!;
  return {
    url,
    apiKey,
    datadir,
    pid: child.pid!,
    env,
    chain: (overrides = {}) => new BcoinChain({ network: 'regtest', url, apiKey, feeFloorSatPerVb: 2, ...overrides }),
    stop: async () => {
      await stopChild(child);
      rmSync(datadir, { recursive: true, force: true }); // the node removes it too, unless it was killed
    },
  };
}

function readExports(child: ChildProcess): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`bcoin-node.mjs not ready after ${START_TIMEOUT_MS} ms:\n${stderr}`)), START_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!/^export BCOIN_PID=\d+$/m.test(stdout)) return;
      clearTimeout(timer);
      const env: Record<string, string> = {};
      for (const match of stdout.matchAll(/^export ([A-Z_]+)=(.*)$/gm)) env[match[1]!] = match[2]!;
      resolve(env);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bcoin-node.mjs exited with code ${code} before it was ready:\n${stderr}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM'); // signals child.pid, the node process we spawned
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * bcoin's own bin/node exactly as /work/shared/ENVIRONMENT.md starts it, WITHOUT
 * scripts/bcoin-leveldown-fix.cjs: used to prove the adapter notices the empty address index.
 */
export async function startPlainBinNode(): Promise<Pick<TestBcoinNode, 'url' | 'apiKey' | 'pid' | 'stop'>> {
  const datadir = mkdtempSync(path.join(tmpdir(), 'keystead-bcoin-bin-'));
  const port = await freePort();
  const apiKey = 'plain-bin-node-key';
  const args = [
    '--network=regtest', `--prefix=${datadir}`, '--http-host=127.0.0.1', `--http-port=${port}`, `--api-key=${apiKey}`,
    '--listen=false', '--workers=false', '--no-wallet', '--index-tx', '--index-address', '--log-console=false',
  ];
  const child = spawn(process.execPath, [BCOIN_BIN, ...args], { env: { ...process.env, NODE_BACKEND: 'js' }, stdio: 'ignore' });
  const stop = async () => {
    await stopChild(child);
    rmSync(datadir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const isUp = await fetch(`${url}/`, { headers: { authorization: `Basic ${Buffer.from(`x:${apiKey}`).toString('base64')}` } }).then(
      (r) => r.ok,
      () => false,
    );
    if (isUp) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error('bcoin bin/node did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, apiKey, pid: child.pid!, stop };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
