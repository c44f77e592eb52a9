/** The wallet's three key origins in descriptor order (user, backup, co-signer), from stored rows. */
import { parseKeyOrigin, type BitcoinNetwork, type KeyOrigin } from '@/lib/crypto';

export type WalletOrigins = [KeyOrigin, KeyOrigin, KeyOrigin];

export function originsFromKeys(keys: readonly { role: string; fingerprint: string; path: string; xpub: string }[], network: BitcoinNetwork): WalletOrigins {
  const byRole = new Map(keys.map((k) => [k.role, k]));
  const pick = (role: 'user' | 'backup' | 'cosigner') => {
    const key = byRole.get(role);
    if (!key) throw new Error(`the wallet has no ${role} key`);
    return parseKeyOrigin(key, network);
  };
  return [pick('user'), pick('backup'), pick('cosigner')];
}
