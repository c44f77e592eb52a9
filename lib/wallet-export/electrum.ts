/**
 * Electrum 4.x multisig wallet file (JSON, unencrypted) for the 2-of-3 P2WSH wallet.
 *
 * - `wallet_type: "2of3"`; keystores `x1/`, `x2/`, `x3/` in the wallet's order (user, backup,
 *   co-signer), each `{ type: "bip32", xpub, xprv, derivation, root_fingerprint, pw_hash_version }`.
 *   Electrum derives `<account xpub>/<branch>/<index>` per keystore and sorts the public keys
 *   (Multisig_Wallet.pubkeys_to_scriptcode), i.e. exactly our sortedmulti.
 * - Electrum reads the script type from the xpub's version bytes (`bip32.xpub_type`), so the keys
 *   are written with SLIP-132 p2wsh versions: Zpub/Zprv on mainnet, Vpub/Vprv on testnet and
 *   regtest (slip132.ts). A tpub there would make a P2SH (legacy) multisig wallet instead.
 * - `xprv` is the ACCOUNT private key (at `derivation`), derived here from the master key of that
 *   role and checked against the origin's xpub; `null` for a watch-only keystore.
 * - `seed_version: 50` is Electrum 4.3's storage version (wallet_db.FINAL_SEED_VERSION): 4.3 opens
 *   it as is and later versions upgrade it; Electrum older than 4.3 refuses it as "too new".
 * - `use_encryption: false`: no keystore password. A file with xprvs holds spending keys in the
 *   clear; set a password in Electrum right away (or keep it on an offline machine).
 */
import type { HDKey } from '@scure/bip32';
import { CryptoError } from '@/lib/crypto/errors';
import type { WalletOrigins } from '@/lib/crypto/descriptor';
import { decodeExtendedKey, fingerprintHex, parseKeyOrigin, assertDistinctOrigins } from '@/lib/crypto/keys';
import type { BitcoinNetwork } from '@/lib/crypto/networks';
import { toSlip132P2wsh } from './slip132';

export const ELECTRUM_SEED_VERSION = 50;
export const ELECTRUM_KEYSTORE_NAMES = ['x1/', 'x2/', 'x3/'] as const;
export type ElectrumSignerRole = 'user' | 'backup' | 'cosigner';
const ROLES: readonly ElectrumSignerRole[] = ['user', 'backup', 'cosigner'];

export interface ElectrumKeystore {
  readonly type: 'bip32';
  /** SLIP-132 Zpub/Vpub of the account key. */
  readonly xpub: string;
  /** SLIP-132 Zprv/Vprv of the account key, or null (watch-only). */
  readonly xprv: string | null;
  /** Electrum's path notation, e.g. `m/48'/1'/0'/2'`. */
  readonly derivation: string;
  readonly root_fingerprint: string;
  readonly pw_hash_version: 1;
}

export interface ElectrumWalletFile {
  readonly seed_version: number;
  readonly use_encryption: false;
  readonly wallet_type: '2of3';
  readonly 'x1/': ElectrumKeystore;
  readonly 'x2/': ElectrumKeystore;
  readonly 'x3/': ElectrumKeystore;
}

export interface ElectrumExportOptions {
  /**
   * Master private keys (xprv/tprv, depth 0: the decrypted Box 1 / Box 2 of the key card) of the
   * roles that should be able to sign. Each is checked to derive that role's xpub.
   */
  readonly masterXprvs?: Partial<Record<ElectrumSignerRole, string>>;
}

export function electrumWalletFile(origins: WalletOrigins, network: BitcoinNetwork, options: ElectrumExportOptions = {}): ElectrumWalletFile {
  if (origins.length !== 3) throw new RangeError('A Keystead wallet has exactly three keys');
  const checked = origins.map((o) => parseKeyOrigin(o, network));
  assertDistinctOrigins(checked);
  const masters = options.masterXprvs ?? {};
  for (const role of Object.keys(masters)) {
    if (!ROLES.includes(role as ElectrumSignerRole)) throw new TypeError(`unknown signer role: ${role}`);
  }
  const [x1, x2, x3] = checked.map((origin, i) => {
    const master = masters[ROLES[i]!];
    return {
      type: 'bip32',
      xpub: toSlip132P2wsh(origin.xpub, network),
      xprv: master === undefined ? null : accountXprv(master, origin, network, ROLES[i]!),
      derivation: origin.path,
      root_fingerprint: origin.fingerprint,
      pw_hash_version: 1,
    } as const;
  });
  return { seed_version: ELECTRUM_SEED_VERSION, use_encryption: false, wallet_type: '2of3', 'x1/': x1!, 'x2/': x2!, 'x3/': x3! };
}

/** The file as Electrum writes it (indented JSON); save it as e.g. `~/.electrum/wallets/keystead`. */
export function electrumWalletFileText(origins: WalletOrigins, network: BitcoinNetwork, options?: ElectrumExportOptions): string {
  return `${JSON.stringify(electrumWalletFile(origins, network, options), null, 4)}\n`;
}

function accountXprv(masterXprv: string, origin: WalletOrigins[number], network: BitcoinNetwork, role: ElectrumSignerRole): string {
  const master = decodeExtendedKey(masterXprv, network, 'private');
  let account: HDKey | undefined;
  try {
    if (master.depth !== 0) throw new CryptoError('INVALID_XPRV', `The ${role} key must be a master key (depth 0), not depth ${master.depth}.`);
    if (fingerprintHex(master.fingerprint) !== origin.fingerprint) throw new CryptoError('INVALID_XPRV', `This is not the ${role} key of the wallet (fingerprint differs).`);
    account = master.derive(origin.path);
    if (account.publicExtendedKey !== origin.xpub) throw new CryptoError('INVALID_XPRV', `This key does not derive the wallet’s ${role} account key.`);
    return toSlip132P2wsh(account.privateExtendedKey, network);
  } finally {
    account?.wipePrivateData();
    master.wipePrivateData();
  }
}
