/**
 * Offline verification of an approval export (docs/approval-proofs.md):
 *
 *   npx tsx scripts/verify-approvals.ts bundle.json [--require-uv] [--json]
 *
 * Re-verifies every approval with lib/approvals (no network, no database, no @simplewebauthn)
 * and prints one row per approval. Exit code: 0 when every approval verifies, 1 when any fails
 * (or there are none), 2 when the file cannot be read or is not an approval export.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApprovalBundleError, parseApprovalProofBundle, verifyApprovalBundle, type ApprovalProofBundle, type BundleVerification } from '../lib/approvals/verify';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

const USAGE = 'usage: npx tsx scripts/verify-approvals.ts <bundle.json> [--require-uv] [--json]';
const MAX_FILE_BYTES = 16 * 1024 * 1024;

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell + ' '.repeat(widths[c]! - [...cell].length)))
      .join('  ')
      .trimEnd(),
  );
}

/** Control and bidirectional-override characters could disguise a row: shown as '?'. */
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '?');

function report(file: string, bundle: ApprovalProofBundle, result: BundleVerification, io: Io): void {
  const r = bundle.request;
  io.out(`approval export: ${clean(file)}`);
  io.out(`request ${r.requestId} (${r.requestKind}) wallet ${r.walletId} org ${r.orgId} on ${r.network}`);
  for (const o of r.outputs) io.out(`  pay ${o.amount} sat to ${o.address}`);
  if (r.body !== undefined) io.out(`  body ${clean(JSON.stringify(r.body))}`);
  io.out(`  fee cap ${r.feeCap} sat, policy v${r.policyVersion} ${r.policyHash}`);
  io.out(`  rp ${bundle.rpId}, origins ${bundle.origins.join(' ')}`);
  io.out(`  digest(approve) ${result.digests.approve}`);
  io.out(`  digest(reject)  ${result.digests.reject}`);
  io.out('');
  const rows = [['#', 'kind', 'principal', 'decision', 'verdict', 'reason']];
  for (const a of result.results) {
    const who = a.principal ? `${clean(a.principal.name)} <${clean(a.principal.kind)}:${clean(a.principal.id)}>` : '?';
    const detail = a.verdict.ok
      ? [a.verdict.algorithm, a.verdict.userVerified === undefined ? '' : a.verdict.userVerified ? 'UV' : 'no UV', a.verdict.signCount === undefined ? '' : `signCount ${a.verdict.signCount}`]
          .filter(Boolean)
          .join(', ')
      : `${a.verdict.reason.code}: ${clean(a.verdict.reason.message)}`;
    rows.push([String(a.index + 1), clean(a.kind), who, clean(a.decision ?? '?'), a.verdict.ok ? 'OK' : 'FAIL', detail]);
  }
  for (const line of table(rows)) io.out(line);
  io.out('');
  const failed = result.results.filter((a) => !a.verdict.ok).length;
  if (result.results.length === 0) io.out('RESULT: FAIL (the export contains no approvals)');
  else if (failed > 0) io.out(`RESULT: FAIL (${failed} of ${result.results.length} approvals do not verify)`);
  else io.out(`RESULT: OK (${result.results.length} approvals verified; approve: ${result.verified.approve.length} distinct, reject: ${result.verified.reject.length} distinct)`);
}

/** The CLI as a function (tests call it directly). Returns the exit code. */
export function runVerifyApprovals(argv: readonly string[], io: Io = { out: console.log, err: console.error }): number {
  const flags = argv.filter((a) => a.startsWith('--'));
  const files = argv.filter((a) => !a.startsWith('--'));
  const unknown = flags.filter((f) => f !== '--require-uv' && f !== '--json');
  if (files.length !== 1 || unknown.length > 0) {
    io.err(unknown.length > 0 ? `unknown option ${unknown[0]}\n${USAGE}` : USAGE);
    return EXIT_BAD_INPUT;
  }
  const file = files[0]!;
  let text: string;
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_FILE_BYTES) {
      io.err(`error [file_too_large]: ${file} is ${bytes.length} bytes (limit ${MAX_FILE_BYTES})`);
      return EXIT_BAD_INPUT;
    }
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.err(code ? `error [file_unreadable]: cannot read ${file} (${code})` : `error [file_not_utf8]: ${file} is not UTF-8 text`);
    return EXIT_BAD_INPUT;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    io.err(`error [not_json]: ${file} is not JSON (${(error as Error).message})`);
    return EXIT_BAD_INPUT;
  }
  let bundle: ApprovalProofBundle;
  try {
    bundle = parseApprovalProofBundle(json);
  } catch (error) {
    if (error instanceof ApprovalBundleError) {
      io.err(`error [${error.code}]: ${file} is not a valid approval export: ${error.message}`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
  const result = verifyApprovalBundle(bundle, { requireUserVerification: flags.includes('--require-uv') });
  if (flags.includes('--json')) io.out(JSON.stringify(result, null, 2));
  else report(file, bundle, result, io);
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) process.exitCode = runVerifyApprovals(process.argv.slice(2));
