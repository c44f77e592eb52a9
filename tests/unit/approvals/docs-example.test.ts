/**
 * docs/approval-proofs.md is a spec auditors implement from: its example export must verify with
 * our code (it is also a fixed vector: pinned signatures over a pinned digest), and its table of
 * failure codes must list exactly the codes the verifier can return.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APPROVAL_FAILURE_CODES, verifyApprovalBundle, type ApprovalProofBundle } from '@/lib/approvals/verify';

const DOC = readFileSync(new URL('../../../docs/approval-proofs.md', import.meta.url), 'utf8');

function section(name: string): string {
  const match = DOC.match(new RegExp(`<!-- ${name}:start -->([\\s\\S]*?)<!-- ${name}:end -->`));
  if (!match) throw new Error(`docs/approval-proofs.md has no ${name} section`);
  return match[1]!;
}

function example(): ApprovalProofBundle {
  const json = section('example-bundle').match(/```json\n([\s\S]*?)\n```/);
  if (!json) throw new Error('example-bundle section has no json block');
  return JSON.parse(json[1]!) as ApprovalProofBundle;
}

describe('docs/approval-proofs.md', () => {
  it('the example export verifies, with the digests the document states', () => {
    const result = verifyApprovalBundle(example());
    expect(result.results.map((r) => (r.verdict.ok ? r.verdict.algorithm : r.verdict.reason.code))).toEqual(['ES256', 'ES256', 'ed25519']);
    expect(result.ok).toBe(true);
    expect(result.digests.approve).toBe('609e439c38e7828e819919336ea12395e6ff361abe227ee944e2da519844437c');
    expect(DOC).toContain(`approve \`${result.digests.approve}\``);
    expect(DOC).toContain(`reject \`${result.digests.reject}\``);
    expect(result.verified.approve).toEqual(['user:b3c1f0de-8a41-4d2b-9f10-5e7a9c2d4f61', 'user:e4a9d2c7-1f3b-4e68-a5d0-7b2c9e1f8a34', 'api_key:ak_01JDZ8R5AML']);
  });

  it('the example, tampered, does not', () => {
    const bundle = example();
    const more = { ...bundle, request: { ...bundle.request, outputs: [{ ...bundle.request.outputs[0]!, amount: '1500000000' }] } };
    expect(verifyApprovalBundle(more).results.map((r) => (r.verdict.ok ? 'ok' : r.verdict.reason.code))).toEqual(['challenge_mismatch', 'challenge_mismatch', 'signature_invalid']);
    const asRejection = { ...bundle, approvals: bundle.approvals.map((a) => ({ ...a, decision: 'reject' as const })) };
    expect(verifyApprovalBundle(asRejection).results.map((r) => (r.verdict.ok ? 'ok' : r.verdict.reason.code))).toEqual(['decision_mismatch', 'decision_mismatch', 'decision_mismatch']);
  });

  it('lists exactly the failure codes the verifier returns', () => {
    const documented = [...section('failure-codes').matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual([...APPROVAL_FAILURE_CODES]);
  });
});
