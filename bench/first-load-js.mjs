#!/usr/bin/env node
/**
 * First Load JS per route: the JavaScript a browser downloads on a first, cold-cache visit to
 * each app route, summed raw and gzipped. Next 16 no longer prints this after `next build`, so
 * this script reads the build output in `.next/` instead. Run after `next build`
 * (`npm run bench` does both; see bench/README.md).
 *
 *   node bench/first-load-js.mjs            # table on stdout + bench/out/first-load-js.json
 *   node bench/first-load-js.mjs --check    # same, exit 1 if any route is over the target
 *   options: --target=KB (default 170), --next-dir=PATH (default .next), --out=FILE
 *
 * Method (what a browser downloads for a route, per Next 16 + Turbopack build output):
 *   1. Routes come from `.next/app-path-routes-manifest.json` (entry "/(workspace)/dashboard/page"
 *      -> route "/dashboard"). Route handlers (entries ending in "/route", i.e. /api/*) and
 *      Next's internal pages (/_not-found, /_global-error) are skipped and listed as such.
 *   2. Manifest set, for every route: `rootMainFiles` from `.next/build-manifest.json` (React,
 *      the Next client runtime and the Turbopack runtime, which the root layout's HTML loads with
 *      <script async>) plus every chunk in `entryJSFiles` of the route's
 *      `.next/server/app/<entry>_client-reference-manifest.js` (the client chunks of the root
 *      layout, nested layouts, the page and the global error boundary; Next emits one
 *      <script async> tag per chunk in the HTML for exactly this set).
 *   3. HTML set, for prerendered (static) routes: the `<script src>` and
 *      `<link rel="preload" as="script">` URLs of `.next/server/app/<route>.html`, i.e. the very
 *      document the server sends. Where it exists it is the figure reported; the script also
 *      checks it against the manifest set and warns on any difference, which validates the
 *      manifest method used for dynamic routes (those are rendered per request, no HTML on disk).
 *   4. Excluded: `polyfillFiles` (served as <script noModule>, which modern browsers skip), CSS,
 *      and JS fetched after load (Link prefetches of other routes, later dynamic imports; this
 *      build has no dynamic-import chunks). Measured once against headless Chromium: see
 *      bench/README.md.
 *   Sizes: each file's bytes on disk ("raw") and gzipSync at zlib's DEFAULT level (6), which is
 *   what `next start`'s built-in compression sends, so the numbers match real transfer sizes.
 *   1 kB = 1000 bytes (as Next's old build output). The "shared" row is the set of chunks every
 *   measured route loads (framework runtime + root layout), "(framework)" is rootMainFiles alone;
 *   "+route" is what a route adds to the shared set.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
};
const CHECK = args.includes('--check');
const TARGET_KB = Number(opt('target', 170));
const NEXT_DIR = path.resolve(ROOT, opt('next-dir', '.next'));
const OUT_FILE = path.resolve(ROOT, opt('out', 'bench/out/first-load-js.json'));
const GZIP_LEVEL_LABEL = 'zlib default (6)';

function fail(message) {
  console.error(`first-load-js: ${message}`);
  process.exit(2);
}

const readJson = (rel) => JSON.parse(readFileSync(path.join(NEXT_DIR, rel), 'utf8'));

if (!existsSync(path.join(NEXT_DIR, 'BUILD_ID'))) {
  fail(`no production build in ${NEXT_DIR} (BUILD_ID missing): run \`npx next build\` or \`bash bench/run.sh --build\``);
}
const buildId = readFileSync(path.join(NEXT_DIR, 'BUILD_ID'), 'utf8').trim();
const buildManifest = readJson('build-manifest.json');
const appPathRoutes = readJson('app-path-routes-manifest.json');
const prerender = existsSync(path.join(NEXT_DIR, 'prerender-manifest.json')) ? readJson('prerender-manifest.json') : { routes: {} };
const rootMainFiles = buildManifest.rootMainFiles ?? [];
const polyfillFiles = buildManifest.polyfillFiles ?? [];
if (rootMainFiles.length === 0) fail('build-manifest.json has no rootMainFiles: is this an app-router build?');

let nextVersion = null;
try {
  nextVersion = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/next/package.json'), 'utf8')).version;
} catch {
  /* not essential */
}

/** Normalise a script URL or manifest path to a path relative to .next/ ("static/chunks/x.js"). */
function toBuildPath(ref) {
  const clean = ref.split(/[?#]/)[0];
  const i = clean.indexOf('/_next/');
  if (i !== -1) return decodeURIComponent(clean.slice(i + '/_next/'.length));
  return decodeURIComponent(clean.replace(/^\/+/, ''));
}

const uniq = (list) => [...new Set(list)];

/** entryJSFiles of one app entry, read from its client reference manifest. */
function manifestChunks(entry) {
  const file = path.join(NEXT_DIR, 'server/app', `${entry}_client-reference-manifest.js`);
  if (!existsSync(file)) fail(`missing ${path.relative(ROOT, file)}`);
  const sandbox = {};
  sandbox.globalThis = sandbox;
  vm.runInNewContext(readFileSync(file, 'utf8'), sandbox, { filename: file });
  const manifest = sandbox.__RSC_MANIFEST?.[entry];
  if (!manifest?.entryJSFiles) fail(`${path.relative(ROOT, file)} has no entryJSFiles for ${entry}`);
  return uniq(Object.values(manifest.entryJSFiles).flat().map(toBuildPath));
}

/** Scripts a browser fetches from a prerendered HTML document (module scripts + script preloads). */
function htmlChunks(html) {
  const out = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const attr = (name) => tag.match(new RegExp(`\\s${name}=(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'))?.slice(1).find((v) => v !== undefined);
    const has = (name) => new RegExp(`\\s${name}(?:=|\\s|>|/)`, 'i').test(tag);
    if (/^<script/i.test(tag)) {
      const src = attr('src');
      if (src && !has('nomodule')) out.push(toBuildPath(src));
    } else if ((attr('rel') ?? '').toLowerCase() === 'preload' && (attr('as') ?? '').toLowerCase() === 'script') {
      const href = attr('href');
      if (href) out.push(toBuildPath(href));
    }
  }
  return uniq(out.filter((f) => f.endsWith('.js')));
}

const sizeCache = new Map();
function sizeOf(file) {
  if (!sizeCache.has(file)) {
    const abs = path.join(NEXT_DIR, file);
    if (!existsSync(abs)) fail(`chunk ${file} is referenced but missing from ${NEXT_DIR}`);
    const buf = readFileSync(abs);
    sizeCache.set(file, { raw: buf.length, gzip: gzipSync(buf).length });
  }
  return sizeCache.get(file);
}

const kB = (bytes) => Math.round(bytes / 100) / 10; // 1 decimal, 1 kB = 1000 B
function summarise(files) {
  const list = files.map((file) => ({ file, ...sizeOf(file) }));
  const raw = list.reduce((s, f) => s + f.raw, 0);
  const gzip = list.reduce((s, f) => s + f.gzip, 0);
  return { count: list.length, rawBytes: raw, gzipBytes: gzip, rawKB: kB(raw), gzipKB: kB(gzip), files: list };
}

// ---- collect routes -------------------------------------------------------------------------
const routes = [];
const skipped = [];
for (const [entry, route] of Object.entries(appPathRoutes)) {
  if (entry.endsWith('/route')) {
    skipped.push({ route, entry, reason: 'route handler (API), serves no JS' });
    continue;
  }
  if (route.startsWith('/_')) {
    skipped.push({ route, entry, reason: 'Next internal page' });
    continue;
  }
  const fromManifest = uniq([...rootMainFiles, ...manifestChunks(entry)]);
  const htmlFile = path.join(NEXT_DIR, 'server/app', `${route === '/' ? 'index' : route.slice(1)}.html`);
  const isStatic = Boolean(prerender.routes?.[route]) && existsSync(htmlFile);
  let files = fromManifest;
  let mismatch = null;
  if (isStatic) {
    const fromHtml = htmlChunks(readFileSync(htmlFile, 'utf8'));
    const onlyHtml = fromHtml.filter((f) => !fromManifest.includes(f));
    const onlyManifest = fromManifest.filter((f) => !fromHtml.includes(f));
    if (onlyHtml.length || onlyManifest.length) mismatch = { onlyHtml, onlyManifest };
    files = fromHtml;
  }
  routes.push({ route, entry, type: isStatic ? 'static' : 'dynamic', source: isStatic ? 'html' : 'manifest', mismatch, files });
}
if (routes.length === 0) fail('no app page routes found');
routes.sort((a, b) => (a.route === '/' ? -1 : b.route === '/' ? 1 : a.route.localeCompare(b.route)));

const sharedFiles = routes.map((r) => r.files).reduce((acc, files) => acc.filter((f) => files.includes(f)));
const shared = summarise(sharedFiles);
const framework = summarise(rootMainFiles.map(toBuildPath));
const results = routes.map((r) => {
  const s = summarise(r.files);
  const extra = summarise(r.files.filter((f) => !sharedFiles.includes(f)));
  return {
    route: r.route,
    entry: r.entry,
    type: r.type,
    source: r.source,
    ...s,
    routeOnlyGzipBytes: extra.gzipBytes,
    routeOnlyGzipKB: extra.gzipKB,
    status: s.gzipBytes <= TARGET_KB * 1000 ? 'OK' : 'OVER',
    ...(r.mismatch ? { htmlVsManifestMismatch: r.mismatch } : {}),
  };
});

// ---- report ---------------------------------------------------------------------------------
const header = ['Route', 'Type', 'JS files', 'Raw kB', 'Gzip kB', '+route gz kB', 'Status'];
const baselineStatus = (s) => (s.gzipBytes <= TARGET_KB * 1000 ? 'OK' : 'OVER');
const rows = [
  ['(framework)', 'baseline', String(framework.count), framework.rawKB.toFixed(1), framework.gzipKB.toFixed(1), '-', baselineStatus(framework)],
  ['(shared by all)', 'baseline', String(shared.count), shared.rawKB.toFixed(1), shared.gzipKB.toFixed(1), '-', baselineStatus(shared)],
  ...results.map((r) => [r.route, r.type, String(r.count), r.rawKB.toFixed(1), r.gzipKB.toFixed(1), `+${r.routeOnlyGzipKB.toFixed(1)}`, r.status]),
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 || i === 1 || i === 6 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`First Load JS per route (build ${buildId}${nextVersion ? `, next ${nextVersion}` : ''}; gzip: ${GZIP_LEVEL_LABEL}; 1 kB = 1000 B; target <= ${TARGET_KB} kB gzip)`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
console.log('(framework) = build-manifest rootMainFiles: React, Next client runtime, Turbopack runtime');
console.log('(shared by all) = chunks every route loads: framework + root layout; "+route gz kB" = what a route adds to it');
console.log(`shared chunks: ${sharedFiles.map((f) => path.basename(f)).join(', ')}`);
if (polyfillFiles.length) {
  const p = summarise(polyfillFiles);
  console.log(`excluded: ${p.count} nomodule polyfill file(s), ${p.gzipKB.toFixed(1)} kB gzip, not fetched by modern browsers`);
}
if (skipped.length) console.log(`skipped: ${skipped.map((s) => s.route).join(', ')}`);
for (const r of results.filter((x) => x.htmlVsManifestMismatch)) {
  const m = r.htmlVsManifestMismatch;
  console.warn(`warning: ${r.route}: prerendered HTML and client manifest disagree (only in HTML: ${m.onlyHtml.join(', ') || '-'}; only in manifest: ${m.onlyManifest.join(', ') || '-'}); reported the HTML set`);
}

const over = results.filter((r) => r.status === 'OVER');
const report = {
  bench: 'first-load-js',
  generatedAt: new Date().toISOString(),
  buildId,
  nextVersion,
  targetKB: TARGET_KB,
  unit: 'kB = 1000 bytes',
  gzip: { level: 6, note: 'node:zlib gzipSync default level, as served by next start compression' },
  method:
    'static routes: <script src> + <link rel=preload as=script> of the prerendered HTML (noModule excluded); dynamic routes: build-manifest rootMainFiles + union of entryJSFiles in the route client reference manifest',
  framework: { description: 'build-manifest rootMainFiles (React, Next client runtime, Turbopack runtime)', ...framework },
  shared: { description: 'chunks loaded by every measured route (framework + root layout)', ...shared },
  routes: results,
  excluded: { polyfillFiles: summarise(polyfillFiles).files, reason: 'served as <script noModule>' },
  skipped,
  over: over.map((r) => r.route),
};
mkdirSync(path.dirname(OUT_FILE), { recursive: true });
writeFileSync(OUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), OUT_FILE) || OUT_FILE}`);

if (over.length) {
  console.log(`${over.length} route(s) over ${TARGET_KB} kB gzip: ${over.map((r) => r.route).join(', ')}`);
  if (CHECK) process.exit(1);
} else {
  console.log(`all ${results.length} routes within ${TARGET_KB} kB gzip`);
}
