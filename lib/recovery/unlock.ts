/**
 * Opening Box 1 (Key #1, role 'user') and Box 2 (Key #2, role 'backup') with the wallet password
 * (lib/crypto/envelope.ts: AAD = keystead/envelope/v1|<wallet id>|<role>|<kdf>|<params>), then
 * proving each decrypted master key is the card's key for that role: same master fingerprint,
 * and the BIP48 account key at the card's path gives the card's xpub.
 */
import { decryptKey } from '@/lib/crypto/envelope';
import { CryptoError } from '@/lib/crypto/errors';
import { originFromMasterXprv, parseKeyOrigin } from '@/lib/crypto/keys';
import type { KeycardData } from '@/lib/keycard/data';
import { RecoveryError } from './errors';

/** The two decrypted master extended private keys (xprv/tprv, depth 0). Secrets: never log them. */
export interface UnlockedKeys {
  readonly user: string;
  readonly backup: string;
}

export interface UnlockOptions {
  /** Called before each box is opened (the KDF takes about a second per box). */
  onBox?: (box: 1 | 2) => void;
}

export async function unlockKeycard(card: KeycardData, password: string, opts: UnlockOptions = {}): Promise<UnlockedKeys> {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  opts.onBox?.(1);
  const user = await openBox(card, 1, password);
  opts.onBox?.(2);
  const backup = await openBox(card, 2, password);
  return Object.freeze({ user, backup });
}

async function openBox(card: KeycardData, box: 1 | 2, password: string): Promise<string> {
  const role = box === 1 ? 'user' : 'backup';
  const part = `Box ${box}`;
  let bytes: Uint8Array;
  try {
    bytes = await decryptKey(box === 1 ? card.box1 : card.box2, password, { walletId: card.wallet.id, keyRole: role });
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    const code = error.code === 'WRONG_PASSWORD' ? 'WRONG_PASSWORD' : error.code === 'UNSUPPORTED_VERSION' ? 'UNSUPPORTED_VERSION' : 'CARD_MALFORMED';
    throw new RecoveryError(code, `${part} (Key #${box}): ${error.message}`, { cause: error, part });
  }
  const xprv = new TextDecoder().decode(bytes);
  bytes.fill(0);
  const { network } = card.wallet;
  let derived;
  try {
    derived = originFromMasterXprv(xprv, network);
  } catch (cause) {
    throw new RecoveryError('KEY_MISMATCH', `${part} does not hold a master private key for ${network}.`, { cause, part });
  }
  const expected = parseKeyOrigin(card.keys[role], network);
  if (derived.fingerprint !== expected.fingerprint || derived.path !== expected.path || derived.xpub !== expected.xpub) {
    throw new RecoveryError('KEY_MISMATCH', `${part} opens to a key whose account xpub is not the card’s Key #${box} (${role}).`, { part });
  }
  return xprv;
}
