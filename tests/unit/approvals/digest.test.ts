import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ApprovalInputError,
  approvalDigest,
  approvalPayload,
  approvalPayloadText,
  challengeFromDigest,
  digestHex,
  type ApprovalInput,
} from '@/lib/approvals/digest';

const TRANSFER: ApprovalInput = {
  orgId: '7d1f9a0e-3f51-4c2e-9a55-0c2b8f6f3e11',
  walletId: 'c0ffee00-1111-4222-8333-444455556666',
  requestId: '0b9e2a61-5d7c-4f0e-9a3b-2c1d0e9f8a7b',
  requestKind: 'transfer',
  chain: 'bitcoin',
  network: 'regtest',
  asset: 'BTC',
  outputs: [
    { address: 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080', amount: '150000000' },
    { address: 'bcrt1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l', amount: '2100000000000000' },
  ],
  feeCap: '25000',
  policyVersion: 3,
  policyHash: 'a'.repeat(64),
  decision: 'approve',
};

// Known-answer vectors. The hashed text is spelled out and hashed by Node's own SHA-256, not by our
// code path; the expected hex is committed. If either changes, every stored approval stops verifying.
const TRANSFER_TEXT =
  '{"asset":"BTC","chain":"bitcoin","decision":"approve","feeCap":"25000","network":"regtest",' +
  '"orgId":"7d1f9a0e-3f51-4c2e-9a55-0c2b8f6f3e11","outputs":[' +
  '{"address":"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080","amount":"150000000"},' +
  '{"address":"bcrt1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l","amount":"2100000000000000"}],' +
  '"policyHash":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","policyVersion":3,' +
  '"requestId":"0b9e2a61-5d7c-4f0e-9a3b-2c1d0e9f8a7b","requestKind":"transfer","type":"keystead.approval/1",' +
  '"walletId":"c0ffee00-1111-4222-8333-444455556666"}';
const TRANSFER_APPROVE_HEX = 'daef34f34c3335f3f13eeabca103f2a295a7a778093ed152a0d615aab535ae99';
const TRANSFER_APPROVE_CHALLENGE = '2u8080wzNfPxPuq8oQPyopWnp3gJPtFSoNYVqrU1rpk';
const TRANSFER_REJECT_HEX = '3b4a51298de906532e5cea6dc240872d52af1a7e53f30f4d8b2e294b8b5f9ae3';

const WHITELIST: ApprovalInput = {
  orgId: 'org-1',
  walletId: 'wallet-1',
  requestId: 'req-9',
  requestKind: 'whitelist_change',
  chain: 'bitcoin',
  network: 'mainnet',
  asset: 'BTC',
  outputs: [],
  feeCap: '0',
  policyVersion: 0,
  policyHash: '0123456789abcdef'.repeat(4),
  body: { add: [{ label: 'Trésorerie “B”', address: 'bc1qexample' }], remove: [] },
  decision: 'reject',
};
const WHITELIST_TEXT =
  '{"asset":"BTC","body":{"add":[{"address":"bc1qexample","label":"Trésorerie “B”"}],"remove":[]},"chain":"bitcoin",' +
  '"decision":"reject","feeCap":"0","network":"mainnet","orgId":"org-1","outputs":[],' +
  '"policyHash":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","policyVersion":0,' +
  '"requestId":"req-9","requestKind":"whitelist_change","type":"keystead.approval/1","walletId":"wallet-1"}';

const nodeSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function inputError(fn: () => unknown): ApprovalInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApprovalInputError) return error;
    throw error;
  }
  throw new Error('expected an ApprovalInputError');
}

describe('approval digest: fixed vectors', () => {
  it('transfer: canonical text, digest and challenge are pinned', () => {
    expect(approvalPayloadText(TRANSFER)).toBe(TRANSFER_TEXT);
    expect(nodeSha256(TRANSFER_TEXT)).toBe(TRANSFER_APPROVE_HEX);
    const digest = approvalDigest(TRANSFER);
    expect(digest).toBeInstanceOf(Uint8Array);
    expect(digest.length).toBe(32);
    expect(digestHex(digest)).toBe(TRANSFER_APPROVE_HEX);
    expect(challengeFromDigest(digest)).toBe(TRANSFER_APPROVE_CHALLENGE);
    expect(Buffer.from(TRANSFER_APPROVE_CHALLENGE, 'base64url').toString('hex')).toBe(TRANSFER_APPROVE_HEX);
  });

  it('the decision is part of what is signed', () => {
    expect(digestHex(approvalDigest({ ...TRANSFER, decision: 'reject' }))).toBe(TRANSFER_REJECT_HEX);
    expect(nodeSha256(TRANSFER_TEXT.replace('"decision":"approve"', '"decision":"reject"'))).toBe(TRANSFER_REJECT_HEX);
  });

  it('governance change: body included, UTF-8 hashed as UTF-8', () => {
    expect(approvalPayloadText(WHITELIST)).toBe(WHITELIST_TEXT);
    expect(digestHex(approvalDigest(WHITELIST))).toBe(nodeSha256(WHITELIST_TEXT));
    expect(digestHex(approvalDigest(WHITELIST))).toBe('5a4f622665122d898d8574043a3da73b705ea6109f8ea1f4e6148364f18893e0');
  });
});

describe('approval digest: canonical form', () => {
  it('is independent of key order (request, outputs and body)', () => {
    const reordered = JSON.parse(JSON.stringify(TRANSFER), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    ) as ApprovalInput;
    expect(Object.keys(reordered)[0]).toBe('decision');
    expect(digestHex(approvalDigest(reordered))).toBe(TRANSFER_APPROVE_HEX);
    const body = { remove: [], add: [{ address: 'bc1qexample', label: 'Trésorerie “B”' }] };
    expect(approvalPayloadText({ ...WHITELIST, body })).toBe(WHITELIST_TEXT);
  });

  it('hashes a "__proto__" member of a body from JSON.parse instead of dropping it', () => {
    const body = JSON.parse('{"__proto__":{"role":"admin"},"user":"u1"}');
    expect(approvalPayloadText({ ...WHITELIST, requestKind: 'member_change', body })).toContain('"body":{"__proto__":{"role":"admin"},"user":"u1"}');
  });

  it('keeps output order (payment order is signed)', () => {
    const swapped = { ...TRANSFER, outputs: [...TRANSFER.outputs].reverse() };
    expect(digestHex(approvalDigest(swapped))).not.toBe(TRANSFER_APPROVE_HEX);
  });

  it('amounts are strings: bigints are normalised, numbers refused', () => {
    const viaBigint = { ...TRANSFER, feeCap: 25000n, outputs: TRANSFER.outputs.map((o) => ({ ...o, amount: BigInt(o.amount) })) };
    expect(digestHex(approvalDigest(viaBigint))).toBe(TRANSFER_APPROVE_HEX);
    expect(approvalPayload(viaBigint).feeCap).toBe('25000');
    const asNumber = { ...TRANSFER, outputs: [{ address: 'bcrt1qx', amount: 150000000 as unknown as string }] };
    expect(inputError(() => approvalDigest(asNumber))).toMatchObject({ code: 'amount_not_string', path: 'request.outputs[0].amount' });
    expect(inputError(() => approvalDigest({ ...TRANSFER, feeCap: 25000 as unknown as string }))).toMatchObject({ code: 'amount_not_string' });
  });

  it('refuses non-canonical or out-of-range amounts', () => {
    for (const amount of ['0150000000', '1.5', '1e8', '-5', '+5', ' 5', '', '2100000000000001', '99999999999999999999']) {
      const e = inputError(() => approvalDigest({ ...TRANSFER, outputs: [{ address: 'bcrt1qx', amount }] }));
      expect(e.code, amount).toBe('bad_amount');
    }
    expect(inputError(() => approvalDigest({ ...TRANSFER, outputs: [{ address: 'bcrt1qx', amount: '0' }] })).code).toBe('bad_amount');
    expect(approvalPayload({ ...TRANSFER, feeCap: '0' }).feeCap).toBe('0');
    expect(inputError(() => approvalDigest({ ...TRANSFER, feeCap: '007' })).code).toBe('bad_fee_cap');
  });

  it('refuses unknown fields, so nothing unsigned can ride along', () => {
    expect(inputError(() => approvalDigest({ ...TRANSFER, memo: 'x' } as ApprovalInput))).toMatchObject({ code: 'unknown_field', path: 'request.memo' });
    const extraOutputField = { ...TRANSFER, outputs: [{ address: 'bcrt1qx', amount: '1', label: 'x' }] };
    expect(inputError(() => approvalDigest(extraOutputField)).code).toBe('unknown_field');
  });

  it('validates each field with a typed error', () => {
    const cases: [Partial<Record<keyof ApprovalInput, unknown>>, string][] = [
      [{ decision: 'maybe' }, 'bad_decision'],
      [{ requestKind: 'transfer_all' }, 'bad_request_kind'],
      [{ chain: 'ethereum' }, 'bad_chain'],
      [{ network: 'signet' }, 'bad_network'],
      [{ asset: 'ETH' }, 'bad_asset'],
      [{ outputs: [] }, 'bad_outputs'],
      [{ outputs: [{ address: 'bc1q x', amount: '1' }] }, 'bad_address'],
      [{ policyVersion: 1.5 }, 'bad_policy_version'],
      [{ policyVersion: -1 }, 'bad_policy_version'],
      [{ policyHash: 'A'.repeat(64) }, 'bad_policy_hash'],
      [{ orgId: '' }, 'bad_id'],
      [{ walletId: undefined }, 'bad_id'],
      [{ body: { a: 1 } }, 'bad_body'],
    ];
    for (const [patch, code] of cases) expect(inputError(() => approvalDigest({ ...TRANSFER, ...patch } as ApprovalInput)).code, JSON.stringify(patch)).toBe(code);
    expect(inputError(() => approvalDigest({ ...WHITELIST, body: undefined })).code).toBe('bad_body');
    expect(inputError(() => approvalDigest({ ...WHITELIST, body: { fee: 0.5 } })).code).toBe('bad_body');
    expect(inputError(() => approvalDigest({ ...WHITELIST, feeCap: '1' })).code).toBe('bad_fee_cap');
    expect(inputError(() => approvalDigest({ ...WHITELIST, outputs: TRANSFER.outputs })).code).toBe('bad_outputs');
  });

  it('every signed field changes the digest', () => {
    const base = digestHex(approvalDigest(TRANSFER));
    const variants: Partial<ApprovalInput>[] = [
      { orgId: 'other' },
      { walletId: 'other' },
      { requestId: 'other' },
      { network: 'testnet' },
      { outputs: [{ address: TRANSFER.outputs[0]!.address, amount: '150000001' }, TRANSFER.outputs[1]!] },
      { outputs: [{ address: 'bcrt1qotheraddress', amount: '150000000' }, TRANSFER.outputs[1]!] },
      { outputs: [TRANSFER.outputs[0]!] },
      { feeCap: '25001' },
      { policyVersion: 4 },
      { policyHash: 'b'.repeat(64) },
    ];
    const seen = new Set([base]);
    for (const v of variants) seen.add(digestHex(approvalDigest({ ...TRANSFER, ...v })));
    expect(seen.size).toBe(variants.length + 1);
  });

  it('challenge/hex helpers insist on 32 bytes', () => {
    expect(() => challengeFromDigest(new Uint8Array(31))).toThrow(TypeError);
    expect(() => digestHex(new Uint8Array(33))).toThrow(TypeError);
  });
});
