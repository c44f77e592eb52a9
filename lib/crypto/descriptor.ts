/**
 * The wallet's output descriptor:
 *   wsh(sortedmulti(2,[fp/48h/1h/0h/2h]tpub…/<0;1>/*,…,…))#checksum
 * - BIP380 (descriptor syntax, key origins, the 8-character checksum), BIP382 wsh(),
 *   BIP383 sortedmulti() (keys sorted per address, BIP67), BIP389 `/<0;1>/*` (receive; change).
 *
 * Hardened marker: `h` everywhere we write (Bitcoin Core's listdescriptors prints `h` since
 * bitcoin/bitcoin#26076, HWI since HWI#504), because `'` needs escaping in shells and JSON.
 * Both are accepted when parsing. The checksum covers the exact characters, so the `'` and `h`
 * spellings of the same descriptor have different checksums.
 *
 * Checksum: our own BIP380 implementation (the BIP's reference Python, transcribed below) rather
 * than @bitcoinerlab/descriptors. That package does compute it, but importing it for the browser
 * pulls in bitcoinjs-lib, bip32, ecpair and miniscript (measured here: ~159 kB gzip for
 * `import { checksum }` alone), while the checksum is ~30 lines; @noble/@scure do not provide
 * it. tests/unit/bip380-descriptor-checksum.test.ts checks it against BIP380's vectors, Bitcoin
 * Core's descriptor_tests vectors and, by parity, against @bitcoinerlab/descriptors.
 */
import { CryptoError } from './errors';
import { assertDistinctOrigins, formatDerivationPath, parseDerivationPath, parseKeyOrigin, type KeyOrigin } from './keys';
import type { BitcoinNetwork } from './networks';

export type WalletOrigins = readonly [KeyOrigin, KeyOrigin, KeyOrigin];

const THRESHOLD = 2;
const MAX_DESCRIPTOR_CHARS = 2000;

// BIP380 "Checksum" section, verbatim constants.
const INPUT_CHARSET = "0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
const CHECKSUM_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0xf5dee51989n, 0xa9fdca3312n, 0x1bab10e32dn, 0x3706b1677an, 0x644d626ffdn] as const;
const CHECKSUM_LENGTH = 8;

function descsumPolymod(symbols: readonly number[]): bigint {
  let chk = 1n;
  for (const value of symbols) {
    const top = chk >> 35n;
    chk = ((chk & 0x7ffffffffn) << 5n) ^ BigInt(value);
    GENERATOR.forEach((g, i) => {
      if ((top >> BigInt(i)) & 1n) chk ^= g;
    });
  }
  return chk;
}

/** Characters → symbols (position in group, plus one group symbol per 3 characters); null if a character is not allowed. */
function descsumExpand(s: string): number[] | null {
  const symbols: number[] = [];
  let groups: number[] = [];
  for (const c of s) {
    const v = INPUT_CHARSET.indexOf(c);
    if (v < 0) return null;
    symbols.push(v & 31);
    groups.push(v >> 5);
    if (groups.length === 3) {
      symbols.push(groups[0]! * 9 + groups[1]! * 3 + groups[2]!);
      groups = [];
    }
  }
  if (groups.length === 1) symbols.push(groups[0]!);
  if (groups.length === 2) symbols.push(groups[0]! * 3 + groups[1]!);
  return symbols;
}

/** BIP380 checksum (8 characters) of a descriptor given without `#checksum`. */
export function descriptorChecksum(descriptor: string): string {
  const symbols = descsumExpand(descriptor);
  if (symbols === null) throw new CryptoError('INVALID_DESCRIPTOR', 'The descriptor contains a character outside the BIP380 character set.');
  const checksum = descsumPolymod([...symbols, 0, 0, 0, 0, 0, 0, 0, 0]) ^ 1n;
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) out += CHECKSUM_CHARSET[Number((checksum >> BigInt(5 * (7 - i))) & 31n)];
  return out;
}

/** BIP380 descsum_check: true only for `SCRIPT#CHECKSUM` with a correct 8-character checksum. */
export function verifyDescriptorChecksum(descriptorWithChecksum: string): boolean {
  const hashAt = descriptorWithChecksum.length - CHECKSUM_LENGTH - 1;
  if (hashAt < 0 || descriptorWithChecksum[hashAt] !== '#') return false;
  const checksum = descriptorWithChecksum.slice(hashAt + 1);
  const checksumSymbols = [...checksum].map((c) => CHECKSUM_CHARSET.indexOf(c));
  const symbols = descsumExpand(descriptorWithChecksum.slice(0, hashAt));
  if (symbols === null || checksumSymbols.some((v) => v < 0)) return false;
  return descsumPolymod([...symbols, ...checksumSymbols]) === 1n;
}

/** `[fp/48h/1h/0h/2h]xpub/<suffix>` for one cosigner. */
function keyExpression(origin: KeyOrigin, suffix: string): string {
  const originPath = formatDerivationPath(parseDerivationPath(origin.path), 'h').slice(1); // drop the leading "m"
  return `[${origin.fingerprint}${originPath}]${origin.xpub}/${suffix}`;
}

function sortedMultiDescriptor(origins: WalletOrigins, network: BitcoinNetwork, suffix: string): string {
  const checked = origins.map((o) => parseKeyOrigin(o, network));
  if (checked.length !== 3) throw new RangeError('A Keystead wallet has exactly three keys');
  assertDistinctOrigins(checked);
  const body = `wsh(sortedmulti(${THRESHOLD},${checked.map((o) => keyExpression(o, suffix)).join(',')}))`;
  return `${body}#${descriptorChecksum(body)}`;
}

/** The wallet descriptor with BIP389 multipath `/<0;1>/*` (receive and change in one string). Keys stay in the given order. */
export function walletDescriptor(origins: WalletOrigins, network: BitcoinNetwork): string {
  return sortedMultiDescriptor(origins, network, '<0;1>/*');
}

/** The same wallet as two single-path descriptors, for tools without BIP389 multipath support. */
export function branchDescriptors(origins: WalletOrigins, network: BitcoinNetwork): { receive: string; change: string } {
  return { receive: sortedMultiDescriptor(origins, network, '0/*'), change: sortedMultiDescriptor(origins, network, '1/*') };
}

const WALLET_BODY = /^wsh\(sortedmulti\(2,([^,()]+),([^,()]+),([^,()]+)\)\)$/;
const KEY_EXPRESSION = /^\[([0-9a-fA-F]{8})((?:\/[0-9]+['h]?)*)\]([1-9A-HJ-NP-Za-km-z]+)\/<0;1>\/\*$/;

/**
 * Reads a Keystead wallet descriptor (recovery): the checksum is required and verified first,
 * then the shape, then each key origin for `network`. Returns the origins in descriptor order.
 */
export function parseWalletDescriptor(descriptor: string, network: BitcoinNetwork): [KeyOrigin, KeyOrigin, KeyOrigin] {
  if (typeof descriptor !== 'string') throw new TypeError('descriptor must be a string');
  const text = descriptor.trim();
  if (text.length > MAX_DESCRIPTOR_CHARS) throw new CryptoError('INVALID_DESCRIPTOR', 'The descriptor is too long.');
  if (!/#[^#]{8}$/.test(text)) throw new CryptoError('INVALID_DESCRIPTOR', 'The #checksum at the end is missing or not 8 characters.');
  if (!verifyDescriptorChecksum(text)) throw new CryptoError('CHECKSUM_MISMATCH');
  const body = WALLET_BODY.exec(text.slice(0, -CHECKSUM_LENGTH - 1));
  if (!body) throw new CryptoError('INVALID_DESCRIPTOR');
  const origins = [body[1]!, body[2]!, body[3]!].map((expr) => parseKeyExpression(expr, network));
  assertDistinctOrigins(origins);
  return [origins[0]!, origins[1]!, origins[2]!];
}

function parseKeyExpression(expression: string, network: BitcoinNetwork): KeyOrigin {
  const match = KEY_EXPRESSION.exec(expression);
  if (!match) throw new CryptoError('INVALID_DESCRIPTOR', 'Each key must look like [fingerprint/48h/…]xpub/<0;1>/*.');
  return parseKeyOrigin({ fingerprint: match[1], path: `m${match[2]}`, xpub: match[3] }, network);
}
