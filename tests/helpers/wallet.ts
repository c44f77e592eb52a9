/** The browser half of the wallet ceremony, run in Node with lib/crypto (as the wizard does). */
import { deriveAddress, encryptKey, generateWalletKey, parseKeyOrigin, walletDescriptor, type KeyOrigin } from '@/lib/crypto';
import type { Browser } from './api';

export const TEST_WALLET_PASSWORD = 'Velvet-orbit 47 harbour lantern!';

export async function createActiveWallet(browser: Browser, name: string) {
  const start = await browser.api.wallets.createStart.mutate({ name });
  const user = generateWalletKey(start.network);
  const backup = generateWalletKey(start.network);
  const enc = new TextEncoder();
  const box1 = await encryptKey(enc.encode(user.masterXprv), TEST_WALLET_PASSWORD, { walletId: start.walletId, keyRole: 'user' }, { kdf: 'pbkdf2-sha256' });
  const origins: [KeyOrigin, KeyOrigin, KeyOrigin] = [user.origin, backup.origin, parseKeyOrigin(start.cosigner, start.network)];
  const finished = await browser.api.wallets.createFinish.mutate({
    walletId: start.walletId,
    userKey: user.origin,
    backupKey: backup.origin,
    userEnvelope: box1 as unknown as Record<string, unknown>,
    descriptor: walletDescriptor(origins, start.network),
    firstAddress: deriveAddress(origins, start.network, 0, 0).address,
  });
  await browser.api.wallets.confirmKeycard.mutate({ walletId: start.walletId, code: finished.confirmCode });
  return { walletId: start.walletId, network: start.network, origins, user, backup };
}
