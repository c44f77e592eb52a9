/**
 * Hash-chained audit log. Entry n commits to entry n-1 through `prevHash`, so changing,
 * inserting or deleting any row breaks every later link. Pure and isomorphic: the server's
 * verify endpoint and an auditor's offline check run this same code over an export.
 *
 * hash = SHA-256( canonicalJson({ v: 1, orgId, seq, at, actorUserId, type, payload, prevHash }) )
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson, type JsonValue } from './canonical-json';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryContent {
  orgId: string;
  seq: number;
  /** ISO-8601 UTC with milliseconds, as produced by Date#toISOString. */
  at: string;
  actorUserId: string | null;
  type: string;
  payload: JsonValue;
  prevHash: string;
}

export interface AuditEntry extends AuditEntryContent {
  hash: string;
}

export function hashAuditEntry(entry: AuditEntryContent): string {
  const { orgId, seq, at, actorUserId, type, payload, prevHash } = entry;
  const canonical = canonicalJson({ v: 1, orgId, seq, at, actorUserId, type, payload, prevHash });
  return bytesToHex(sha256(utf8ToBytes(canonical)));
}

export type ChainVerification =
  | { ok: true; checked: number; headHash: string }
  | { ok: false; checked: number; failedSeq: number; reason: 'hash_mismatch' | 'broken_link' | 'sequence_gap' };

/** Entries must be one organisation's, ordered by seq ascending, starting at seq 1. */
export function verifyAuditChain(entries: readonly AuditEntry[]): ChainVerification {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const [i, entry] of entries.entries()) {
    if (entry.seq !== expectedSeq) return { ok: false, checked: i, failedSeq: entry.seq, reason: 'sequence_gap' };
    if (entry.prevHash !== prevHash) return { ok: false, checked: i, failedSeq: entry.seq, reason: 'broken_link' };
    if (hashAuditEntry(entry) !== entry.hash) return { ok: false, checked: i, failedSeq: entry.seq, reason: 'hash_mismatch' };
    prevHash = entry.hash;
    expectedSeq += 1;
  }
  return { ok: true, checked: entries.length, headHash: prevHash };
}
