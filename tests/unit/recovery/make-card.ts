/**
 * A real key card for recovery tests, made as the wallet wizard makes it (lib/crypto + lib/keycard):
 * fresh BIP32 keys, Box 1 (pbkdf2-sha256) and Box 2 (argon2id, default cost) encrypted with the
 * password and bound to the wallet id and role, Box 4 RSA-OAEP to a throwaway 3072-bit key,
 * descriptor and first address from lib/crypto, checked by parseKeycardData.
 */
import { base64 } from '@scure/base';
import {
  deriveAddress,
  encryptKey,
  encryptPasswordForRecovery,
  generateWalletKey,
  walletDescriptor,
  type BitcoinNetwork,
  type GeneratedWalletKey,
  type KeyOrigin,
} from '@/lib/crypto';
import { parseKeycardData, type KeycardData } from '@/lib/keycard/data';

export const RECOVERY_PASSWORD = 'Velvet-orbit 47 harbour lantern!';

export interface TestCard {
  readonly card: KeycardData;
  readonly user: GeneratedWalletKey;
  readonly backup: GeneratedWalletKey;
  readonly cosigner: GeneratedWalletKey;
  readonly origins: readonly [KeyOrigin, KeyOrigin, KeyOrigin];
}

let recoveryKey: Promise<{ keyId: string; spki: string; hash: 'SHA-256' }> | undefined;

function rsaRecoveryKey() {
  recoveryKey ??= (async () => {
    const pair = await crypto.subtle.generateKey(
      { name: 'RSA-OAEP', modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['encrypt', 'decrypt'],
    );
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
    return { keyId: 'test-recovery-key', spki: base64.encode(spki), hash: 'SHA-256' as const };
  })();
  return recoveryKey;
}

export async function makeTestCard(network: BitcoinNetwork = 'regtest', password = RECOVERY_PASSWORD): Promise<TestCard> {
  const walletId = crypto.randomUUID();
  const user = generateWalletKey(network);
  const backup = generateWalletKey(network);
  const cosigner = generateWalletKey(network);
  const enc = new TextEncoder();
  const box1 = await encryptKey(enc.encode(user.masterXprv), password, { walletId, keyRole: 'user' }, { kdf: 'pbkdf2-sha256' });
  const box2 = await encryptKey(enc.encode(backup.masterXprv), password, { walletId, keyRole: 'backup' });
  const box4 = await encryptPasswordForRecovery(password, await rsaRecoveryKey());
  const origins = [user.origin, backup.origin, cosigner.origin] as const;
  const plain = (o: KeyOrigin) => ({ fingerprint: o.fingerprint, path: o.path, xpub: o.xpub });
  const card = parseKeycardData({
    format: 'keystead-keycard',
    v: 1,
    wallet: {
      id: walletId,
      name: 'Treasury – Recovery drill',
      orgName: 'Keystead Test Org',
      chain: 'bitcoin',
      network,
      threshold: 2,
      descriptor: walletDescriptor(origins, network),
      createdAt: new Date().toISOString(),
    },
    keys: { user: plain(user.origin), backup: plain(backup.origin), cosigner: plain(cosigner.origin) },
    box1,
    box2,
    box3: plain(cosigner.origin),
    box4,
    firstAddress: { path: '0/0', address: deriveAddress(origins, network, 0, 0).address },
    confirmCode: 'K7MX-4QRP',
  });
  return { card, user, backup, cosigner, origins };
}
