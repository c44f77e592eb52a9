#!/usr/bin/env node
/**
 * Wallet key ceremony benchmark: the client-side steps of components/wallet/ceremony.ts timed in
 * headless Chromium, with Node 20 as the baseline column, in the same run.
 *
 *   node bench/ceremony.mjs [--iterations=N] [--network=regtest|testnet|mainnet] [--oaep-hash=SHA-256|SHA-1]
 *                           [--no-pdf] [--no-pbkdf2] [--no-node] [--target-ms=5000] [--check]
 *
 * How:
 * 1. esbuild bundles bench/ceremony-entry.ts for the browser (platform browser, format esm, one
 *    file, `@/` → repo root, NODE_ENV=production, minified like a production build).
 * 2. A throw-away node:http server on 127.0.0.1 (random port) serves the bundle and a tiny HTML
 *    page. Chromium opens it as http://localhost:PORT, which is a secure context (WebCrypto).
 * 3. playwright-core drives Debian's /usr/bin/chromium (headless) and calls
 *    window.__runCeremonyBench({ iterations, … }) in the page; the page returns JSON.
 * 4. The same entry runs in a child `node --import tsx` process (the baseline), after the browser
 *    is closed, so the two never compete for the 2 cores.
 * 5. Prints step | Chromium median | Chromium p95 / max | Node median | ratio, and writes
 *    bench/out/ceremony.json. Exit 0 (with --check: exit 1 if the Chromium median total is over
 *    --target-ms).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = path.join(ROOT, 'bench', 'ceremony-entry.ts');
const OUT_DIR = path.join(ROOT, 'bench', 'out');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

function parseArgs(argv) {
  const opts = { iterations: 5, network: 'regtest', oaepHash: 'SHA-256', pdf: true, pbkdf2: true, node: true, targetMs: 5000, check: false };
  for (const arg of argv) {
    const [key, value] = arg.replace(/^--/, '').split('=', 2);
    if (key === 'iterations') opts.iterations = Number(value);
    else if (key === 'network') opts.network = value;
    else if (key === 'oaep-hash') opts.oaepHash = value;
    else if (key === 'target-ms') opts.targetMs = Number(value);
    else if (key === 'no-pdf') opts.pdf = false;
    else if (key === 'no-pbkdf2') opts.pbkdf2 = false;
    else if (key === 'no-node') opts.node = false;
    else if (key === 'check') opts.check = true;
    else if (key === 'help' || key === 'h') {
      console.log('usage: node bench/ceremony.mjs [--iterations=N] [--network=regtest|testnet|mainnet] [--oaep-hash=SHA-256|SHA-1] [--no-pdf] [--no-pbkdf2] [--no-node] [--target-ms=MS] [--check]');
      process.exit(0);
    } else throw new Error(`unknown argument: ${arg}`);
  }
  if (!Number.isInteger(opts.iterations) || opts.iterations < 1) throw new Error('--iterations must be a positive integer');
  if (!['regtest', 'testnet', 'mainnet'].includes(opts.network)) throw new Error('--network must be regtest, testnet or mainnet');
  if (!['SHA-256', 'SHA-1'].includes(opts.oaepHash)) throw new Error('--oaep-hash must be SHA-256 or SHA-1');
  if (!(opts.targetMs > 0)) throw new Error('--target-ms must be a positive number');
  return opts;
}

// ---------------------------------------------------------------------------------------------
// 1. Bundle

async function bundle() {
  const esbuild = await import('esbuild');
  const alias = {
    name: 'keystead-alias',
    setup(build) {
      // tsconfig "paths": { "@/*": ["./*"] }
      build.onResolve({ filter: /^@\// }, (args) =>
        build.resolve(`./${args.path.slice(2)}`, { kind: args.kind, resolveDir: ROOT, importer: args.importer }),
      );
    },
  };
  const started = performance.now();
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    // jspdf's optional html()/svg() helpers; the key card never uses them (Next leaves them as lazy chunks).
    external: ['html2canvas', 'dompurify', 'canvg'],
    plugins: [alias],
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0].text, ms: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------
// 2. Server

function startServer(js) {
  const html = '<!doctype html><meta charset="utf-8"><title>ceremony bench</title><link rel="icon" href="data:,"><script type="module" src="/ceremony.js"></script>';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status, type, body) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/') send(200, 'text/html; charset=utf-8', html);
    else if (url.pathname === '/ceremony.js') send(200, 'text/javascript; charset=utf-8', js);
    else send(404, 'text/plain', 'not found');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function closeServer(server) {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

// ---------------------------------------------------------------------------------------------
// 3. Chromium

async function runChromium(port, benchOpts) {
  const { chromium } = await import('playwright-core');
  // Chromium may resolve localhost to ::1 first; pin it to the IPv4 loopback the server listens on.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP localhost 127.0.0.1'] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`http://localhost:${port}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => typeof globalThis.__runCeremonyBench === 'function', null, { timeout: 30_000 }).catch(() => {
      throw new Error(`the bench bundle did not load in Chromium${errors.length ? `: ${errors.join('; ')}` : ''}`);
    });
    const secure = await page.evaluate(() => globalThis.isSecureContext);
    if (!secure) throw new Error('the page is not a secure context: WebCrypto would be missing');
    const result = await page.evaluate((o) => globalThis.__runCeremonyBench(o), benchOpts);
    return { ...result, version: browser.version(), errors };
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Node baseline

function runNode(benchOpts) {
  const entryUrl = pathToFileURL(ENTRY).href;
  const code = `
    const mod = await import(${JSON.stringify(entryUrl)});
    // No "type": "module" in package.json, so tsx loads the .ts as CommonJS: exports sit on default.
    const runCeremonyBench = mod.runCeremonyBench ?? mod.default.runCeremonyBench;
    const result = await runCeremonyBench(${JSON.stringify(benchOpts)});
    process.stdout.write('\\n@@RESULT@@' + JSON.stringify(result) + '\\n');
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (status) => {
      const line = out.split('\n').find((l) => l.startsWith('@@RESULT@@'));
      if (status !== 0 || !line) return reject(new Error(`node baseline failed (exit ${status}):\n${err || out}`));
      resolve(JSON.parse(line.slice('@@RESULT@@'.length)));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// 5. Report

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Nearest-rank percentile (with few samples, p95 is the maximum). */
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const fmt = (ms) => (ms === undefined ? '–' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

function summarize(result) {
  if (!result) return null;
  return Object.fromEntries(
    Object.entries(result.samples).map(([id, xs]) => [id, { median: median(xs), p95: percentile(xs, 95), max: Math.max(...xs), min: Math.min(...xs) }]),
  );
}

function table(steps, chromium, node) {
  const rows = [['Step', 'Chromium median ms', 'Chromium p95 / max ms', 'Node median ms', 'Chromium / Node']];
  for (const step of steps) {
    const c = chromium[step.id];
    const n = node?.[step.id];
    const label = step.id === 'total' ? `**${step.label}**` : step.id === 'pbkdf2' ? `(compare) ${step.label}` : step.label;
    rows.push([label, fmt(c?.median), c ? `${fmt(c.p95)} / ${fmt(c.max)}` : '–', n ? fmt(n.median) : '–', c && n ? `${(c.median / n.median).toFixed(2)}×` : '–']);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  const sep = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(rows[0]), sep, ...rows.slice(1).map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const benchOpts = { iterations: opts.iterations, network: opts.network, oaepHash: opts.oaepHash, pdf: opts.pdf, pbkdf2: opts.pbkdf2 };
  const wallStart = performance.now();

  const built = await bundle();
  const bundleKb = Buffer.byteLength(built.code) / 1000;
  console.error(`bench: bundled bench/ceremony-entry.ts for the browser (${bundleKb.toFixed(0)} kB, ${built.ms.toFixed(0)} ms)`);

  const server = await startServer(built.code);
  let chromium;
  try {
    const { port } = server.address();
    console.error(`bench: Chromium, ${opts.iterations} ceremonies at http://localhost:${port}/ …`);
    chromium = await runChromium(port, benchOpts);
  } finally {
    await closeServer(server);
  }

  let node = null;
  if (opts.node) {
    console.error(`bench: Node ${process.version} (tsx), ${opts.iterations} ceremonies …`);
    node = await runNode(benchOpts);
  }

  const cs = summarize(chromium);
  const ns = summarize(node);
  const totalMedian = cs.total.median;
  const pass = totalMedian <= opts.targetMs;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';

  console.log(`\nWallet key ceremony, client side (${opts.iterations} iterations, network ${chromium.network}, recovery key RSA-3072 OAEP ${chromium.oaepHash})`);
  console.log(`Chromium ${chromium.version} headless vs Node ${process.version}; ${os.cpus().length} × ${cpu}\n`);
  console.log(table(chromium.steps, cs, ns));
  console.log('');
  console.log(`Cold first ceremony (WASM compile, jspdf init): Chromium ${fmt(chromium.coldTotalMs)} ms${node ? `, Node ${fmt(node.coldTotalMs)} ms` : ''}`);
  console.log(`Setup, not in the total: RSA-3072 key pair (the HSM's job) Chromium ${fmt(chromium.setupMs.recoveryKeyPair)} ms${node ? `, Node ${fmt(node.setupMs.recoveryKeyPair)} ms` : ''}`);
  if (chromium.pdfBytes) console.log(`Key card PDF (${opts.paper ?? 'a4'}): ${(chromium.pdfBytes / 1000).toFixed(1)} kB`);
  console.log(`Target: Chromium median total ≤ ${opts.targetMs} ms → ${fmt(totalMedian)} ms ${pass ? 'OK' : 'OVER'}`);
  if (chromium.errors.length) console.log(`Browser console errors: ${chromium.errors.join('; ')}`);

  mkdirSync(OUT_DIR, { recursive: true });
  const outFile = path.join(OUT_DIR, 'ceremony.json');
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpu, totalMemMB: Math.round(os.totalmem() / 2 ** 20) },
    options: opts,
    bundle: { bytes: Buffer.byteLength(built.code), ms: built.ms },
    target: { chromiumMedianTotalMs: opts.targetMs, pass },
    summary: { chromium: cs, node: ns },
    chromium: { ...chromium },
    node,
    wallMs: performance.now() - wallStart,
  };
  writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(ROOT, outFile)} (whole run ${((performance.now() - wallStart) / 1000).toFixed(1)} s)`);
  if (opts.check && !pass) process.exitCode = 1;
}

main().catch((e) => {
  const usage = e instanceof Error && /^(unknown argument|--)/.test(e.message);
  console.error(usage ? `bench/ceremony.mjs: ${e.message} (--help for usage)` : e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
