'use client';
/**
 * The wallet key ceremony, in the browser. Private keys and the password exist only inside this
 * function: what leaves it for the server is public (key origins, descriptor, first address) or
 * encrypted (the Key #1 envelope). Key #2's envelope and Box 4 go only into the key card PDF.
 */
import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@/server/routers/_app';
import type { KeycardData } from '@/lib/keycard/data';

export const CEREMONY_STEPS = [
  { id: 'cosigner', label: 'Creating the co-signer key (Key #3) in the HSM' },
  { id: 'keys', label: 'Generating your user key (Key #1) and backup key (Key #2)' },
  { id: 'encrypt-user', label: 'Encrypting Key #1 with your password (Argon2id, 64 MiB)' },
  { id: 'encrypt-backup', label: 'Encrypting Key #2 with your password (Argon2id, 64 MiB)' },
  { id: 'recovery', label: 'Encrypting your password to the recovery key (Box 4)' },
  { id: 'register', label: 'Registering the public keys and encrypted Key #1' },
  { id: 'card', label: 'Building your key card PDF' },
] as const;
export type CeremonyStepId = (typeof CEREMONY_STEPS)[number]['id'];

export interface CeremonyResult {
  walletId: string;
  card: KeycardData;
  /** Password shares for officers ("no vendor secret" recovery), when asked for. */
  shares?: import('@/lib/crypto/password-shares').PasswordShare[];
}

export async function runWalletCeremony(opts: {
  client: TRPCClient<AppRouter>;
  name: string;
  orgName: string;
  password: string;
  /** Also split the password k-of-n among officers (printed share cards). */
  passwordShares?: { k: number; n: number } | undefined;
  onStep: (step: CeremonyStepId) => void;
}): Promise<CeremonyResult> {
  const { client } = opts;
  // Argon2id blocks the main thread for ~0.5 s per key: let the browser paint the new step first.
  const onStep = async (step: CeremonyStepId) => {
    opts.onStep(step);
    await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  };
  const crypto = await import('@/lib/crypto');

  await onStep('cosigner');
  const start = await client.wallets.createStart.mutate({ name: opts.name });
  const { walletId, network } = start;

  await onStep('keys');
  const user = crypto.generateWalletKey(network);
  const backup = crypto.generateWalletKey(network);
  const enc = new TextEncoder();

  await onStep('encrypt-user');
  const box1 = await crypto.encryptKey(enc.encode(user.masterXprv), opts.password, { walletId, keyRole: 'user' });
  await onStep('encrypt-backup');
  const box2 = await crypto.encryptKey(enc.encode(backup.masterXprv), opts.password, { walletId, keyRole: 'backup' });
  await onStep('recovery');
  const box4 = await crypto.encryptPasswordForRecovery(opts.password, start.recoveryKey);

  const cosigner = crypto.parseKeyOrigin(start.cosigner, network);
  const origins = [user.origin, backup.origin, cosigner] as const;
  const descriptor = crypto.walletDescriptor([...origins], network);
  const first = crypto.deriveAddress([...origins], network, 0, 0);

  await onStep('register');
  const finished = await client.wallets.createFinish.mutate({
    walletId,
    userKey: user.origin,
    backupKey: backup.origin,
    userEnvelope: box1 as unknown as Record<string, unknown>,
    descriptor,
    firstAddress: first.address,
  });

  await onStep('card');
  const card: KeycardData = {
    format: 'keystead-keycard',
    v: 1,
    wallet: { id: walletId, name: opts.name, orgName: opts.orgName, chain: 'bitcoin', network, threshold: 2, descriptor: finished.descriptor, createdAt: new Date().toISOString() },
    keys: { user: user.origin, backup: backup.origin, cosigner },
    box1: box1 as never,
    box2: box2 as never,
    box3: cosigner,
    box4: { ...box4 },
    firstAddress: { path: '0/0', address: finished.firstAddress },
    confirmCode: finished.confirmCode,
  };
  if (!opts.passwordShares) return { walletId, card };
  const { splitPassword } = await import('@/lib/crypto/password-shares');
  const shares = await splitPassword(opts.password, { ...opts.passwordShares, walletId });
  return { walletId, card, shares };
}

export async function shareCardsPdfUrl(shares: NonNullable<CeremonyResult['shares']>, walletName: string, paper: 'a4' | 'letter'): Promise<string> {
  const { buildShareCardsPdf } = await import('@/lib/keycard/share-pdf');
  const bytes = await buildShareCardsPdf(shares, { walletName, paper });
  return URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/pdf' }));
}

export async function keycardPdfUrl(card: KeycardData, paper: 'a4' | 'letter'): Promise<string> {
  const { buildKeycardPdf } = await import('@/lib/keycard/pdf');
  const bytes = await buildKeycardPdf(card, { paper });
  return URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/pdf' }));
}
