import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '@/lib/audit/canonical-json';
import { GENESIS_HASH, hashAuditEntry, verifyAuditChain, type AuditEntry } from '@/lib/audit/chain';

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const content = {
      orgId: '7d1f9a0e-3f51-4c2e-9a55-0c2b8f6f3e11',
      seq,
      at: new Date(Date.UTC(2026, 10, 25, 12, 0, seq)).toISOString(),
      actorUserId: null,
      type: 'test.event',
      payload: { n: seq, nested: { b: 2, a: [1, 'x'] } },
      prevHash: out.at(-1)?.hash ?? GENESIS_HASH,
    };
    out.push({ ...content, hash: hashAuditEntry(content) });
  }
  return out;
}

describe('canonical JSON', () => {
  it('orders keys so that jsonb round-trips hash identically', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });
  it('drops undefined members and rejects non-JSON values', () => {
    expect(canonicalJson({ a: undefined, b: 'é"\n' })).toBe('{"b":"é\\"\\n"}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: new Date(0) })).toThrow(TypeError);
    expect(() => canonicalJson({ a: 10n })).toThrow(TypeError);
  });
});

describe('audit hash chain', () => {
  it('has a fixed, reproducible hash for a known entry', () => {
    // Known-answer vector: if the hashed encoding changes, old exports stop verifying.
    // The hashed text is spelled out here, and hashed by Node's own SHA-256, not our code path.
    const [first] = chain(1);
    const text =
      '{"actorUserId":null,"at":"2026-11-25T12:00:01.000Z","orgId":"7d1f9a0e-3f51-4c2e-9a55-0c2b8f6f3e11",' +
      `"payload":{"n":1,"nested":{"a":[1,"x"],"b":2}},"prevHash":"${'0'.repeat(64)}","seq":1,"type":"test.event","v":1}`;
    expect(first!.hash).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('verifies an untouched chain', () => {
    const entries = chain(5);
    expect(verifyAuditChain(entries)).toEqual({ ok: true, checked: 5, headHash: entries[4]!.hash });
    expect(verifyAuditChain([])).toEqual({ ok: true, checked: 0, headHash: GENESIS_HASH });
  });

  it('fails at the altered entry when a payload is changed', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, payload: { n: 999 } };
    expect(verifyAuditChain(entries)).toEqual({ ok: false, checked: 2, failedSeq: 3, reason: 'hash_mismatch' });
  });

  it('fails at the next entry when an altered entry is re-hashed to hide it', () => {
    const entries = chain(5);
    const forged = { ...entries[2]!, type: 'innocent.event' };
    entries[2] = { ...forged, hash: hashAuditEntry(forged) };
    expect(verifyAuditChain(entries)).toEqual({ ok: false, checked: 3, failedSeq: 4, reason: 'broken_link' });
  });

  it('detects a deleted entry', () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(verifyAuditChain(entries)).toMatchObject({ ok: false, failedSeq: 3, reason: 'sequence_gap' });
  });

  it('detects a changed timestamp or actor', () => {
    const entries = chain(3);
    entries[0] = { ...entries[0]!, at: '2020-01-01T00:00:00.000Z' };
    expect(verifyAuditChain(entries)).toMatchObject({ ok: false, failedSeq: 1, reason: 'hash_mismatch' });
    const again = chain(3);
    again[1] = { ...again[1]!, actorUserId: '00000000-0000-4000-8000-000000000000' };
    expect(verifyAuditChain(again)).toMatchObject({ ok: false, failedSeq: 2, reason: 'hash_mismatch' });
  });
});
