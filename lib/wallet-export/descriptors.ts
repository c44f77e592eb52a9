/**
 * The wallet's BIP380 descriptors, as every export uses them. Nothing new is computed here:
 * lib/crypto/descriptor.ts builds them (BIP380 checksum, BIP382 wsh, BIP383 sortedmulti,
 * BIP389 `/<0;1>/*`); this file only gathers the three forms.
 */
import { branchDescriptors, walletDescriptor, type WalletOrigins } from '@/lib/crypto/descriptor';
import type { BitcoinNetwork } from '@/lib/crypto/networks';

export interface WalletDescriptors {
  /** `wsh(sortedmulti(2,[fp/48h/…]tpub…/<0;1>/*,…))#cs`: BIP389 multipath (Bitcoin Core ≥ 29 `importdescriptors`, Sparrow, Keystead's key card). */
  readonly multipath: string;
  /** Receive branch `…/0/*` with its own checksum. */
  readonly receive: string;
  /** Change branch `…/1/*` with its own checksum. */
  readonly change: string;
}

export function walletDescriptors(origins: WalletOrigins, network: BitcoinNetwork): WalletDescriptors {
  const { receive, change } = branchDescriptors(origins, network);
  return Object.freeze({ multipath: walletDescriptor(origins, network), receive, change });
}
