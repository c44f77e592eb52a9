/**
 * PSBT build + co-sign throughput, server side: `npx tsx bench/cosign.ts` (or `bash bench/run.sh cosign`).
 *
 * For N ∈ {1, 10, 100} inputs (a regtest 2-of-3 wallet, N fake confirmed coins of 100,000 sat at
 * branch 0 index 0..N-1 with random txids, one payment that needs every coin + change), times:
 *   (a) buildUnsignedPsbt                     (server/bitcoin/build-psbt.ts)
 *   (b) user signing, signPsbtWithKey 'user'  (lib/crypto/psbt.ts; includes describeTransaction)
 *   (c) cosignPsbt with the SoftHSM2 co-signer: verification + seed unwrap in the HSM + signing
 *   (d) cosignPsbt with the software co-signer (its own wallet: a Key #3 cannot move between backends)
 *   (e) baseline: the same user-signed PSBT as (c), signed with Key #3 by the raw library:
 *       Transaction.fromPSBT → per input deriveChild(branch).deriveChild(index) + signIdx → toPSBT.
 *       Key #3's account key is unwrapped once, outside the timing. No checks at all.
 *   (f) finalize: finalizeAndExtract of (c)'s result (verifies both signatures per input), and the
 *       raw tx.finalize() + extract() of (e)'s result, for reference.
 * Median of REPEATS runs per step; inputs/s = N / median. ratio = (c) / (e): the cost of the
 * co-signer's verification, the HSM unwrap and the per-input checks over bare signing.
 * Output: a table on stdout, every sample in bench/out/cosign.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HDKey } from '@scure/bip32';
import { hex } from '@scure/base';
import { SigHash, Transaction } from '@scure/btc-signer';
import { deriveAddress } from '@/lib/crypto/address';
import { generateWalletKey, parseKeyOrigin } from '@/lib/crypto/keys';
import { finalizeAndExtract, signPsbtWithKey, type PsbtWallet } from '@/lib/crypto/psbt';
import { buildUnsignedPsbt, type WalletUtxo } from '@/server/bitcoin/build-psbt';
import { createCoSigner, type CoSigner } from '@/server/cosigner';
import { cosignPsbt, type ApprovedSpend } from '@/server/cosigner/verify-psbt';
import { createTempSoftHsm } from '@/tests/helpers/softhsm';

const NETWORK = 'regtest' as const;
const SIZES = [1, 10, 100] as const;
const REPEATS: Record<number, number> = { 1: 5, 10: 5, 100: 3 };
const COIN_SATS = 100_000n;
const FEE_RATE = 2; // sat/vB
const TIP_HEIGHT = 1_000;
const TOKEN = 'bench-cosign';
const silent = { warn: () => undefined };

interface BenchWallet {
  readonly wallet: PsbtWallet;
  readonly userXprv: string;
  readonly wrapped: string;
}

async function makeWallet(cosigner: CoSigner): Promise<BenchWallet> {
  const user = generateWalletKey(NETWORK);
  const backup = generateWalletKey(NETWORK);
  const key3 = await cosigner.createBitcoinKey(NETWORK);
  const origins = [user.origin, backup.origin, parseKeyOrigin(key3.origin, NETWORK)] as const;
  return { wallet: { origins, network: NETWORK }, userXprv: user.masterXprv, wrapped: key3.wrapped };
}

function fakeCoins(wallet: PsbtWallet, n: number): WalletUtxo[] {
  return Array.from({ length: n }, (_, index) => ({
    txid: randomBytes(32).toString('hex'),
    vout: 0,
    valueSats: COIN_SATS,
    scriptPubKey: deriveAddress(wallet.origins, wallet.network, 0, index).scriptPubKey,
    branch: 0 as const,
    index,
    confirmations: 6,
  }));
}

/** A payment that needs all N coins, leaving ~50,000 sat minus the fee as change. */
function request(wallet: PsbtWallet, utxos: readonly WalletUtxo[]) {
  const payTo = deriveAddress(foreignOrigins(), NETWORK, 0, 0).address; // another wallet's address
  const valueSats = BigInt(utxos.length) * COIN_SATS - 50_000n;
  return {
    wallet,
    utxos,
    outputs: [{ address: payTo, valueSats }],
    feeRateSatVb: FEE_RATE,
    change: { index: 0 },
    rbf: true as const,
    tipHeight: TIP_HEIGHT,
  };
}

let foreign: PsbtWallet['origins'] | undefined;
function foreignOrigins(): PsbtWallet['origins'] {
  foreign ??= [generateWalletKey(NETWORK).origin, generateWalletKey(NETWORK).origin, generateWalletKey(NETWORK).origin] as const;
  return foreign;
}

/** Baseline (e): Key #3's signatures on every input, straight through @scure/btc-signer, no checks. */
function rawSign(psbtBase64: string, account: HDKey, utxos: readonly WalletUtxo[]): string {
  const tx = Transaction.fromPSBT(Buffer.from(psbtBase64, 'base64'));
  const byOutpoint = new Map(utxos.map((u) => [`${u.txid}:${u.vout}`, u]));
  for (let i = 0; i < tx.inputsLength; i++) {
    const input = tx.getInput(i);
    const coin = byOutpoint.get(`${hex.encode(input.txid!)}:${input.index}`)!;
    const branch = account.deriveChild(coin.branch);
    const child = branch.deriveChild(coin.index);
    tx.signIdx(child.privateKey!, i, [SigHash.ALL]);
    child.wipePrivateData();
    branch.wipePrivateData();
  }
  return Buffer.from(tx.toPSBT(0)).toString('base64');
}

function rawFinalize(psbtBase64: string): string {
  const tx = Transaction.fromPSBT(Buffer.from(psbtBase64, 'base64'));
  tx.finalize();
  return hex.encode(tx.extract());
}

async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const STEPS = ['build', 'userSign', 'cosignHsm', 'cosignSoftware', 'rawSign', 'finalize', 'rawFinalize'] as const;
type Step = (typeof STEPS)[number];
const LABELS: Record<Step, string> = {
  build: '(a) buildUnsignedPsbt',
  userSign: '(b) signPsbtWithKey user',
  cosignHsm: '(c) cosignPsbt SoftHSM2',
  cosignSoftware: '(d) cosignPsbt software',
  rawSign: '(e) raw signIdx Key #3',
  finalize: '(f) finalizeAndExtract',
  rawFinalize: '(f) raw finalize+extract',
};

async function main(): Promise<void> {
  const t0 = performance.now();
  const hsm = createTempSoftHsm();
  const softwareDir = mkdtempSync(path.join(tmpdir(), 'keystead-bench-cosign-'));
  const cosigners: CoSigner[] = [];
  try {
    hsm.initToken(TOKEN);
    const hsmCosigner = await createCoSigner(hsm.config(TOKEN), { logger: silent });
    cosigners.push(hsmCosigner);
    const softCosigner = await createCoSigner(
      { KEYSTEAD_COSIGNER: 'software', KEYSTEAD_SOFTWARE_KEYSTORE_DIR: softwareDir, NODE_ENV: 'test' },
      { logger: silent },
    );
    cosigners.push(softCosigner);

    const results: { n: number; repeats: number; samples: Record<Step, number[]>; vsize: number; feeSats: string }[] = [];
    for (const n of SIZES) {
      const hsmWallet = await makeWallet(hsmCosigner);
      const softWallet = await makeWallet(softCosigner);
      // Key #3 of the HSM wallet, unwrapped once for the baseline (outside the timing).
      const account3 = await hsmCosigner.withBitcoinMaster(hsmWallet.wrapped, NETWORK, (master) => master.derive(hsmWallet.wallet.origins[2].path));
      const hsmCoins = fakeCoins(hsmWallet.wallet, n);
      const softCoins = fakeCoins(softWallet.wallet, n);
      const softUnsigned = buildUnsignedPsbt(request(softWallet.wallet, softCoins));
      const softUserSigned = signPsbtWithKey(softUnsigned.psbtBase64, softWallet.userXprv, 'user', softWallet.wallet);
      const softApproved: ApprovedSpend = { outputs: softUnsigned.outputs, feeCapSats: softUnsigned.feeSats, network: NETWORK };
      const samples = Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<Step, number[]>;
      let vsize = 0;
      let feeSats = 0n;
      for (let r = 0; r < REPEATS[n]!; r++) {
        const built = await time(() => buildUnsignedPsbt(request(hsmWallet.wallet, hsmCoins)));
        samples.build.push(built.ms);
        const unsigned = built.value;
        if (unsigned.selectedUtxos.length !== n || !unsigned.changeOutput) throw new Error(`N=${n}: expected ${n} inputs + change`);
        vsize = unsigned.vsize;
        feeSats = unsigned.feeSats;
        const approved: ApprovedSpend = { outputs: unsigned.outputs, feeCapSats: unsigned.feeSats, network: NETWORK };
        const userSigned = await time(() => signPsbtWithKey(unsigned.psbtBase64, hsmWallet.userXprv, 'user', hsmWallet.wallet));
        samples.userSign.push(userSigned.ms);

        const cosigned = await time(() => cosignPsbt(hsmCosigner, hsmWallet.wrapped, userSigned.value, approved, hsmWallet.wallet, unsigned.selectedUtxos, TIP_HEIGHT));
        samples.cosignHsm.push(cosigned.ms);

        // (d) on the software wallet: same shape, its own PSBT (built + user-signed once, above).
        const softCosigned = await time(() => cosignPsbt(softCosigner, softWallet.wrapped, softUserSigned, softApproved, softWallet.wallet, softUnsigned.selectedUtxos, TIP_HEIGHT));
        samples.cosignSoftware.push(softCosigned.ms);
        finalizeAndExtract(softCosigned.value);

        const raw = await time(() => rawSign(userSigned.value, account3, hsmCoins));
        samples.rawSign.push(raw.ms);

        const final = await time(() => finalizeAndExtract(cosigned.value));
        samples.finalize.push(final.ms);
        const rawFinal = await time(() => rawFinalize(raw.value));
        samples.rawFinalize.push(rawFinal.ms);
        if (rawFinal.value !== final.value.txHex) throw new Error(`N=${n}: raw and co-signer transactions differ`);
      }
      account3.wipePrivateData();
      results.push({ n, repeats: REPEATS[n]!, samples, vsize, feeSats: feeSats.toString() });
    }

    const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
    const header = ['Step', ...results.flatMap((r) => [`N=${r.n} ms`, `N=${r.n} inputs/s`])];
    const rows = STEPS.map((step) => [
      LABELS[step],
      ...results.flatMap((r) => {
        const m = median(r.samples[step]);
        return [fmt(m), fmt((r.n / m) * 1000)];
      }),
    ]);
    const ratios = results.map((r) => median(r.samples.cosignHsm) / median(r.samples.rawSign));
    const softRatios = results.map((r) => median(r.samples.cosignSoftware) / median(r.samples.rawSign));
    rows.push(['ratio (c)/(e)', ...ratios.flatMap((x) => [`${x.toFixed(1)}×`, ''])]);
    rows.push(['ratio (d)/(e)', ...softRatios.flatMap((x) => [`${x.toFixed(1)}×`, ''])]);
    console.log(`| ${header.join(' | ')} |`);
    console.log(`| --- | ${header.slice(1).map(() => '---:').join(' | ')} |`);
    for (const row of rows) console.log(`| ${row.join(' | ')} |`);
    console.log(`\nmedians of ${results.map((r) => `${r.repeats} (N=${r.n})`).join(', ')} runs; vsize ${results.map((r) => r.vsize).join(' / ')} vB; total ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const outDir = path.resolve(__dirname, 'out');
    mkdirSync(outDir, { recursive: true });
    const out = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      network: NETWORK,
      feeRateSatVb: FEE_RATE,
      results: results.map((r) => ({
        inputs: r.n,
        repeats: r.repeats,
        vsize: r.vsize,
        feeSats: r.feeSats,
        medianMs: Object.fromEntries(STEPS.map((s) => [s, median(r.samples[s])])),
        inputsPerSecond: Object.fromEntries(STEPS.map((s) => [s, (r.n / median(r.samples[s])) * 1000])),
        ratioHsmOverRaw: median(r.samples.cosignHsm) / median(r.samples.rawSign),
        ratioSoftwareOverRaw: median(r.samples.cosignSoftware) / median(r.samples.rawSign),
        samplesMs: r.samples,
      })),
    };
    writeFileSync(path.join(outDir, 'cosign.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), path.join(outDir, 'cosign.json'))}`);
  } finally {
    for (const c of cosigners) await c.close();
    hsm.cleanup();
    rmSync(softwareDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
