/**
 * The client-side steps of the wallet key ceremony (components/wallet/ceremony.ts), timed with
 * performance.now(). The same module runs in headless Chromium (bundled by bench/ceremony.mjs
 * with esbuild, platform browser) and in Node 20 (imported through tsx) as the baseline, so both
 * columns of the table time exactly the same code.
 *
 * Not timed, because the server does them in the real ceremony: the recovery key pair (an
 * RSA-3072 pair generated here with WebCrypto stands in for the HSM's key) and the co-signer key
 * origin (a third generateWalletKey). The tRPC round trips (createStart, createFinish) are not
 * part of the benchmark either.
 *
 * Each iteration is one complete ceremony with fresh keys and a fresh wallet id. Iteration 1 is
 * "cold": hash-wasm compiles its Argon2 WASM on first use, and jspdf/qrcode are evaluated on
 * the first PDF (inside the bundle: nothing is downloaded). It is kept in the samples and also
 * reported on its own as `coldTotalMs`.
 */
import {
  DEFAULT_ARGON2ID_PARAMS,
  DEFAULT_PBKDF2_PARAMS,
  deriveAddress,
  encryptKey,
  encryptPasswordForRecovery,
  generateWalletKey,
  parseKeyOrigin,
  walletDescriptor,
  type BitcoinNetwork,
  type RecoveryOaepHash,
  type RecoveryPublicKey,
} from '@/lib/crypto';
import type { KeycardData } from '@/lib/keycard/data';

export interface CeremonyBenchOptions {
  /** Complete ceremonies to run (default 5). */
  iterations?: number;
  network?: BitcoinNetwork;
  /** OAEP hash of the stand-in recovery key (software vault default: SHA-256; SoftHSM: SHA-1). */
  oaepHash?: RecoveryOaepHash;
  /** Build the key card PDF (default true). */
  pdf?: boolean;
  paper?: 'a4' | 'letter';
  /** Also time encryptKey with PBKDF2-SHA256 600,000 (the alternative KDF; not in the total). */
  pbkdf2?: boolean;
}

export interface CeremonyStepInfo {
  id: string;
  label: string;
  /** Part of the ceremony total (false for comparison rows). */
  inTotal: boolean;
}

export interface CeremonyBenchResult {
  runtime: string;
  userAgent: string;
  iterations: number;
  network: BitcoinNetwork;
  oaepHash: RecoveryOaepHash;
  argon2id: typeof DEFAULT_ARGON2ID_PARAMS;
  pbkdf2: typeof DEFAULT_PBKDF2_PARAMS;
  steps: CeremonyStepInfo[];
  /** Milliseconds per step, one entry per iteration (iteration 1 first). */
  samples: Record<string, number[]>;
  /** Sum of the inTotal steps of iteration 1 (cold). */
  coldTotalMs: number;
  /** Not part of the ceremony: generating the stand-in recovery key pair (RSA-3072). */
  setupMs: { recoveryKeyPair: number };
  pdfBytes: number | null;
}

const PASSWORD = 'correct horse battery staple — ceremony bench';

export const CEREMONY_BENCH_STEPS: readonly CeremonyStepInfo[] = [
  { id: 'keys', label: 'generateWalletKey ×2 (Key #1, Key #2)', inTotal: true },
  { id: 'encrypt-user', label: 'encryptKey Key #1 (Argon2id 64 MiB t=3 p=4)', inTotal: true },
  { id: 'encrypt-backup', label: 'encryptKey Key #2 (Argon2id 64 MiB t=3 p=4)', inTotal: true },
  { id: 'recovery', label: 'encryptPasswordForRecovery (RSA-OAEP 3072)', inTotal: true },
  { id: 'descriptor', label: 'parseKeyOrigin + walletDescriptor + deriveAddress', inTotal: true },
  { id: 'card', label: 'buildKeycardPdf (jspdf + qrcode)', inTotal: true },
  { id: 'total', label: 'Ceremony total (sum of the steps above)', inTotal: false },
  { id: 'pbkdf2', label: 'encryptKey with PBKDF2-SHA256 600k (alternative KDF)', inTotal: false },
];

export async function runCeremonyBench(options: CeremonyBenchOptions = {}): Promise<CeremonyBenchResult> {
  const iterations = Math.max(1, Math.floor(options.iterations ?? 5));
  const network = options.network ?? 'regtest';
  const oaepHash = options.oaepHash ?? 'SHA-256';
  const withPdf = options.pdf ?? true;
  const withPbkdf2 = options.pbkdf2 ?? true;
  const paper = options.paper ?? 'a4';
  const subtle = globalThis.crypto.subtle;
  const enc = new TextEncoder();

  // Setup (the server's side): the recovery public key and the co-signer origin.
  let t = performance.now();
  const pair = (await subtle.generateKey(
    { name: 'RSA-OAEP', modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: oaepHash },
    true,
    ['encrypt', 'decrypt'],
  )) as CryptoKeyPair;
  const recoveryKeyPairMs = performance.now() - t;
  const spki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
  const recoveryKey: RecoveryPublicKey = { keyId: 'bench-recovery-key', spki: toBase64(spki), hash: oaepHash };

  const steps = CEREMONY_BENCH_STEPS.filter((s) => (s.id !== 'card' || withPdf) && (s.id !== 'pbkdf2' || withPbkdf2));
  const samples: Record<string, number[]> = Object.fromEntries(steps.map((s) => [s.id, []]));
  const record = (id: string, ms: number) => samples[id]!.push(ms);
  let pdfBytes: number | null = null;

  for (let i = 0; i < iterations; i++) {
    const walletId = globalThis.crypto.randomUUID();
    const cosignerKey = generateWalletKey(network);
    const cosignerOrigin = { fingerprint: cosignerKey.origin.fingerprint, path: cosignerKey.origin.path, xpub: cosignerKey.origin.xpub };
    let total = 0;
    const timed = async <T>(id: string, fn: () => T | Promise<T>): Promise<T> => {
      const start = performance.now();
      const value = await fn();
      const ms = performance.now() - start;
      record(id, ms);
      total += ms;
      return value;
    };

    const [user, backup] = await timed('keys', () => [generateWalletKey(network), generateWalletKey(network)] as const);
    const box1 = await timed('encrypt-user', () => encryptKey(enc.encode(user.masterXprv), PASSWORD, { walletId, keyRole: 'user' }));
    const box2 = await timed('encrypt-backup', () => encryptKey(enc.encode(backup.masterXprv), PASSWORD, { walletId, keyRole: 'backup' }));
    const box4 = await timed('recovery', () => encryptPasswordForRecovery(PASSWORD, recoveryKey));
    const { cosigner, descriptor, address } = await timed('descriptor', () => {
      const cosigner = parseKeyOrigin(cosignerOrigin, network);
      const origins = [user.origin, backup.origin, cosigner] as const;
      return { cosigner, descriptor: walletDescriptor(origins, network), address: deriveAddress(origins, network, 0, 0).address };
    });
    if (withPdf) {
      const card: KeycardData = {
        format: 'keystead-keycard',
        v: 1,
        wallet: { id: walletId, name: 'Bench wallet', orgName: 'Bench Org', chain: 'bitcoin', network, threshold: 2, descriptor, createdAt: new Date().toISOString() },
        keys: { user: user.origin, backup: backup.origin, cosigner },
        box1: box1 as never,
        box2: box2 as never,
        box3: cosigner,
        box4: { ...box4 },
        firstAddress: { path: '0/0', address },
        confirmCode: 'K7Q2-9XPM',
      };
      const bytes = await timed('card', async () => {
        // Imported where the app imports it (keycardPdfUrl): jspdf is loaded on first use only.
        const { buildKeycardPdf } = await import('@/lib/keycard/pdf');
        return buildKeycardPdf(card, { paper });
      });
      if (String.fromCharCode(...bytes.subarray(0, 5)) !== '%PDF-') throw new Error('buildKeycardPdf did not return a PDF');
      pdfBytes = bytes.length;
    }
    record('total', total);

    if (withPbkdf2) {
      const start = performance.now();
      await encryptKey(enc.encode(user.masterXprv), PASSWORD, { walletId, keyRole: 'user' }, { kdf: 'pbkdf2-sha256', params: DEFAULT_PBKDF2_PARAMS });
      record('pbkdf2', performance.now() - start);
    }
  }

  return {
    runtime: typeof process !== 'undefined' && process.versions?.node ? `node ${process.versions.node}` : 'browser',
    userAgent: globalThis.navigator?.userAgent ?? '',
    iterations,
    network,
    oaepHash,
    argon2id: DEFAULT_ARGON2ID_PARAMS,
    pbkdf2: DEFAULT_PBKDF2_PARAMS,
    steps,
    samples,
    coldTotalMs: samples.total![0]!,
    setupMs: { recoveryKeyPair: recoveryKeyPairMs },
    pdfBytes,
  };
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

// The browser page (bench/ceremony.mjs) calls it from page.evaluate.
if (typeof window !== 'undefined') (globalThis as Record<string, unknown>).__runCeremonyBench = runCeremonyBench;
