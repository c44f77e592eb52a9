#!/usr/bin/env node
/**
 * A bcoin 1.0.2 regtest full node on 127.0.0.1 for development and tests (no bitcoind here).
 *
 *   node scripts/bcoin-node.mjs                   # foreground, chain in .data/bcoin, port 48332
 *   eval "$(node scripts/bcoin-node.mjs --detach)" # background; exports BITCOIN_* in this shell
 *   bash scripts/bcoin-stop.sh                     # stops the background node (pid file)
 *   node scripts/bcoin-node.mjs --fresh --port 0   # throw-away chain in a temp dir, any free port
 *
 * Options:
 *   --datadir DIR     chain data (default .data/bcoin; bcoin itself writes DIR/regtest/)
 *   --port N          HTTP + JSON-RPC port (default 48332, bcoin's regtest default; 0 = any free)
 *   --api-key KEY     API key (default: kept in DIR/api-key, created once, mode 0600)
 *   --fresh           new temp datadir, removed when the node stops (CI, tests)
 *   --detach          start in the background, write the pid file, print the exports and return
 *   --pid-file FILE   default DIR/bcoin-node.pid
 *   --exit-on-stdin-end  stop when stdin closes (a test runner that spawned the node died)
 *
 * stdout is only `export NAME=value` lines (eval-able), written once the node answers over HTTP
 * and the chain is past segwit activation; notices go to stderr; bcoin logs to DIR/regtest/debug.log.
 *
 * Why an in-process FullNode rather than spawning node_modules/bcoin/bin/node:
 * - the leveldown-6 fix (scripts/bcoin-leveldown-fix.cjs) must run inside the node's process,
 *   or --index-address answers nothing on disk;
 * - bin/node always calls pool.connect(): on regtest that dials 127.0.0.1:48444 every 3 s and
 *   would peer with any other regtest node there. We never connect: the chain is mined locally;
 * - bin/node reads BCOIN_* variables and DIR/bcoin.conf; here configuration is exactly the flags;
 * - SIGTERM closes the databases cleanly (bin/node has no handler).
 * The options equal bin/node's `--network=regtest --prefix=DIR --http-host=127.0.0.1
 * --http-port=PORT --api-key=KEY --listen=false --workers=false --no-wallet --index-tx
 * --index-address` (checked against bcoin 1.0.2 lib/node/fullnode.js; a FullNode built in
 * code has no wallet plugin, which is what --no-wallet does for bin/node).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SCRIPT = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SCRIPT), '..');
const require = createRequire(import.meta.url);

const DEFAULT_DATADIR = '.data/bcoin';
/** bcoin 1.0.2 lib/protocol/networks.js: regtest.rpcPort (its HTTP API and JSON-RPC share it). */
const DEFAULT_PORT = 48332;
/** BIP9 segwit on bcoin's (and Bitcoin Core's) regtest is active from height 432. */
const SEGWIT_ACTIVE_HEIGHT = 432;
const READY_TIMEOUT_MS = 60_000;

const note = (message) => process.stderr.write(`bcoin-node: ${message}\n`);
const fail = (message) => {
  note(`ERROR: ${message}`);
  process.exit(1);
};

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      datadir: { type: 'string' },
      port: { type: 'string' },
      'api-key': { type: 'string' },
      fresh: { type: 'boolean', default: false },
      detach: { type: 'boolean', default: false },
      'pid-file': { type: 'string' },
      'exit-on-stdin-end': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.fresh && values.datadir) fail('--fresh makes its own temp datadir: drop --datadir');
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be 0..65535');
  const apiKey = values['api-key'];
  if (apiKey !== undefined && !/^[\x21-\x7e]{8,255}$/.test(apiKey)) fail('--api-key must be 8-255 printable ASCII characters');
  return {
    datadir: values.datadir ? path.resolve(values.datadir) : undefined,
    port,
    apiKey,
    isFresh: values.fresh,
    isDetached: values.detach,
    pidFile: values['pid-file'] ? path.resolve(values['pid-file']) : undefined,
    exitOnStdinEnd: values['exit-on-stdin-end'],
  };
}

function resolveDatadir(options) {
  if (options.isFresh) return mkdtempSync(path.join(tmpdir(), 'keystead-bcoin-'));
  const dir = options.datadir ?? path.resolve(ROOT, DEFAULT_DATADIR);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A stable key per datadir so `eval` output stays valid across restarts. */
function resolveApiKey(options, datadir) {
  if (options.apiKey) return options.apiKey;
  const file = path.join(datadir, 'api-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(24).toString('hex');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

function isRunningNode(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('bcoin-node.mjs');
  } catch {
    return false;
  }
}

function readPid(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function exportLines({ url, apiKey, datadir, pidFile, pid }) {
  return [
    'export BITCOIN_BACKEND=bcoin',
    'export BITCOIN_NETWORK=regtest',
    `export BITCOIN_RPC_URL=${url}`,
    `export BCOIN_API_KEY=${apiKey}`,
    `export BCOIN_DATADIR=${datadir}`,
    `export BCOIN_PID_FILE=${pidFile}`,
    `export BCOIN_PID=${pid}`,
  ].join('\n');
}

async function httpGet(url, apiKey) {
  const response = await fetch(url, {
    headers: { authorization: `Basic ${Buffer.from(`x:${apiKey}`).toString('base64')}` },
    signal: AbortSignal.timeout(2_000),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

async function runForeground(options) {
  process.env.NODE_BACKEND ??= 'js'; // bcrypto's JS backend: its native addons are not built here
  require('./bcoin-leveldown-fix.cjs');
  const bcoin = require('bcoin');

  const datadir = options.datadir ?? resolveDatadir(options);
  mkdirSync(datadir, { recursive: true });
  const pidFile = options.pidFile ?? path.join(datadir, 'bcoin-node.pid');
  const runningPid = readPid(pidFile);
  if (runningPid !== undefined && runningPid !== process.pid && isRunningNode(runningPid)) {
    fail(`a node already runs on ${datadir} (pid ${runningPid}); stop it with: bash scripts/bcoin-stop.sh ${pidFile}`);
  }
  const apiKey = resolveApiKey(options, datadir);

  const node = new bcoin.FullNode({
    network: 'regtest',
    prefix: datadir,
    memory: false,
    workers: false,
    listen: false,
    httpHost: '127.0.0.1',
    httpPort: options.port,
    apiKey,
    indexTX: true,
    indexAddress: true,
    logFile: true,
    logConsole: false,
    logLevel: 'info',
  });

  // bcoin reports peer, mempool and relay failures as 'error' events; without a listener an
  // EventEmitter throws them and the whole node would exit.
  node.on('error', (error) => note(`node error: ${error?.message ?? error}`));

  let isStopping = false;
  const stop = async (reason) => {
    if (isStopping) return;
    isStopping = true;
    note(`stopping (${reason})`);
    try {
      await node.close();
    } catch (error) {
      note(`close failed: ${error?.message ?? error}`);
    }
    if (readPid(pidFile) === process.pid) rmSync(pidFile, { force: true });
    if (options.isFresh) rmSync(datadir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  if (options.exitOnStdinEnd) {
    process.stdin.on('end', () => void stop('stdin closed'));
    process.stdin.on('close', () => void stop('stdin closed'));
    process.stdin.resume();
  }

  try {
    await node.ensure();
    await node.open();
  } catch (error) {
    if (options.isFresh) rmSync(datadir, { recursive: true, force: true });
    const hint = error?.code === 'EADDRINUSE' ? ` (port ${options.port} is taken: use --port N, or --port 0 for any free port)` : '';
    fail(`could not open the node: ${error?.message ?? error}${hint}`);
  }

  const { port } = node.http.address();
  const url = `http://127.0.0.1:${port}`;
  await httpGet(`${url}/`, apiKey); // the HTTP API answers with this key

  const missing = SEGWIT_ACTIVE_HEIGHT - node.chain.height;
  if (missing > 0) {
    // Coinbases go to a random P2WSH program nobody can spend: this chain is for tests.
    const throwAway = bcoin.Address.fromWitnessScripthash(randomBytes(32)).toString('regtest');
    const started = Date.now();
    await node.rpc.call({ method: 'generatetoaddress', params: [missing, throwAway] }, {});
    note(`mined ${missing} blocks to height ${node.chain.height} (segwit active) in ${Date.now() - started} ms`);
  }

  writeFileSync(pidFile, `${process.pid}\n`);
  process.stdout.write(`${exportLines({ url, apiKey, datadir, pidFile, pid: process.pid })}\n`);
  note(`regtest node ready at ${url}, height ${node.chain.height}, data in ${datadir} (log: ${path.join(datadir, 'regtest', 'debug.log')})`);
}

async function runDetached(options) {
  const datadir = resolveDatadir(options);
  const pidFile = options.pidFile ?? path.join(datadir, 'bcoin-node.pid');
  const runningPid = readPid(pidFile);
  if (runningPid !== undefined && isRunningNode(runningPid)) {
    fail(`a node already runs on ${datadir} (pid ${runningPid}); stop it with: bash scripts/bcoin-stop.sh ${pidFile}`);
  }
  rmSync(pidFile, { force: true });

  // The child is this script in the foreground with every path resolved here; a fresh dir is made
  // here too, and the child owns it (removes it when it stops).
  const childArgs = ['--datadir', datadir, '--port', String(options.port), '--pid-file', pidFile];
  if (options.apiKey) childArgs.push('--api-key', options.apiKey);
  if (options.isFresh) childArgs.push('--fresh-owned');
  const logFile = path.join(datadir, 'bcoin-node.log');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [SCRIPT, ...childArgs], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', out],
    env: { ...process.env, NODE_BACKEND: process.env.NODE_BACKEND ?? 'js' },
  });
  closeSync(out);

  let stdout = '';
  const exports = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (/^export BCOIN_PID=\d+$/m.test(stdout)) {
        clearTimeout(timer);
        resolve(stdout);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the node exited with code ${code} during start-up`));
    });
  }).catch((error) => {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
    fail(`${error.message}. Last lines of ${logFile}:\n${log}`);
  });

  // Stop listening so the child's later writes do not depend on us; it keeps running on its own.
  child.stdout.destroy();
  child.unref();
  process.stdout.write(exports);
  note(`started in the background (pid ${child.pid}); stop it with: bash scripts/bcoin-stop.sh ${pidFile}`);
}

async function main() {
  const argv = process.argv.slice(2);
  // --fresh-owned is internal: a detached child owns (and removes) the temp dir its parent made.
  const isFreshOwned = argv.includes('--fresh-owned');
  const options = parseOptions(argv.filter((arg) => arg !== '--fresh-owned'));
  if (options.isDetached) return runDetached(options);
  return runForeground(isFreshOwned ? { ...options, isFresh: true } : options);
}

main().catch((error) => fail(error?.stack ?? String(error)));
