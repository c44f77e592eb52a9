/**
 * BIP129 (Bitcoin Secure Multisig Setup) descriptor record, unencrypted (round 2, NO_ENCRYPTION):
 *
 *   BSMS 1.0
 *   wsh(sortedmulti(2,[fp/48h/1h/0h/2h]tpub…/**,…,…))     descriptor template (BIP129 `/**`)
 *   /0/*,/1/*                                              derivation path restrictions
 *   bcrt1q…                                                first address of the first restriction
 *
 * Lines are separated by LF. A descriptor template is not a valid descriptor, so it carries no
 * checksum (as in BIP129's test vectors); expanding `/**` with `/0/*` or `/1/*` gives exactly the
 * receive / change descriptors of walletDescriptors() (minus their checksums).
 */
import { deriveAddress } from '@/lib/crypto/address';
import type { WalletOrigins } from '@/lib/crypto/descriptor';
import type { BitcoinNetwork } from '@/lib/crypto/networks';
import { walletDescriptors } from './descriptors';

export const BSMS_VERSION = 'BSMS 1.0';
export const BSMS_PATH_RESTRICTIONS = '/0/*,/1/*';

export interface BsmsDescriptorRecord {
  readonly version: typeof BSMS_VERSION;
  readonly template: string;
  readonly pathRestrictions: string;
  readonly firstAddress: string;
}

/** The four lines of a BSMS descriptor record, joined with LF (no trailing newline). */
export function formatBsmsRecord(record: Omit<BsmsDescriptorRecord, 'version'>): string {
  for (const line of [record.template, record.pathRestrictions, record.firstAddress]) {
    if (line.length === 0 || /[\r\n]/.test(line)) throw new RangeError('a BSMS record line must be one non-empty line');
  }
  return [BSMS_VERSION, record.template, record.pathRestrictions, record.firstAddress].join('\n');
}

export function bsmsDescriptorRecord(origins: WalletOrigins, network: BitcoinNetwork): BsmsDescriptorRecord {
  const receiveBody = walletDescriptors(origins, network).receive.replace(/#[^#]{8}$/, '');
  const template = receiveBody.replaceAll('/0/*', '/**');
  if (template.split('/**').length !== origins.length + 1) throw new Error('unexpected descriptor shape for a BSMS template');
  return Object.freeze({
    version: BSMS_VERSION,
    template,
    pathRestrictions: BSMS_PATH_RESTRICTIONS,
    firstAddress: deriveAddress(origins, network, 0, 0).address,
  });
}

export function bsmsDescriptorRecordText(origins: WalletOrigins, network: BitcoinNetwork): string {
  return formatBsmsRecord(bsmsDescriptorRecord(origins, network));
}
