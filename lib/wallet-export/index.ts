/**
 * Wallet export for standard tools (docs/wallet-export.md). Pure and isomorphic: only lib/crypto
 * and @scure/@noble, no server code, no Node modules. Input: the wallet's three key origins in
 * descriptor order (user, backup, co-signer) and its network.
 */
import type { WalletOrigins } from '@/lib/crypto/descriptor';
import type { BitcoinNetwork } from '@/lib/crypto/networks';
import { bsmsDescriptorRecordText } from './bsms';
import { importDescriptorsJson, type ImportDescriptorsOptions } from './bitcoin-core';
import { walletDescriptors } from './descriptors';
import { electrumWalletFileText } from './electrum';

export { walletDescriptors, type WalletDescriptors } from './descriptors';
export {
  DEFAULT_IMPORT_RANGE,
  importDescriptorsJson,
  importDescriptorsRequest,
  type ImportDescriptorsOptions,
  type ImportDescriptorsRequest,
} from './bitcoin-core';
export {
  ELECTRUM_KEYSTORE_NAMES,
  ELECTRUM_SEED_VERSION,
  electrumWalletFile,
  electrumWalletFileText,
  type ElectrumExportOptions,
  type ElectrumKeystore,
  type ElectrumSignerRole,
  type ElectrumWalletFile,
} from './electrum';
export { BSMS_PATH_RESTRICTIONS, BSMS_VERSION, bsmsDescriptorRecord, bsmsDescriptorRecordText, formatBsmsRecord, type BsmsDescriptorRecord } from './bsms';
export { fromSlip132P2wsh, slip132P2wshVersions, toSlip132P2wsh, type Slip132Versions } from './slip132';

/** Every public (watch-only) export as text, e.g. for a download page or API response. */
export interface WalletExportTexts {
  readonly descriptor: string;
  readonly receiveDescriptor: string;
  readonly changeDescriptor: string;
  /** JSON argument of `bitcoin-cli importdescriptors`. */
  readonly bitcoinCoreImport: string;
  /** Electrum 4.3+ watch-only wallet file (JSON). */
  readonly electrumWatchOnly: string;
  /** BIP129 descriptor record (4 lines). */
  readonly bsms: string;
}

export function walletExportTexts(origins: WalletOrigins, network: BitcoinNetwork, options: ImportDescriptorsOptions = {}): WalletExportTexts {
  const d = walletDescriptors(origins, network);
  return Object.freeze({
    descriptor: d.multipath,
    receiveDescriptor: d.receive,
    changeDescriptor: d.change,
    bitcoinCoreImport: importDescriptorsJson(origins, network, options),
    electrumWatchOnly: electrumWalletFileText(origins, network),
    bsms: bsmsDescriptorRecordText(origins, network),
  });
}
