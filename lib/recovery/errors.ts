/**
 * One coded error for recovery from the key card (STYLE.md §6). Each message says what happened
 * and what to do next; `detail` sharpens it, `part` names the key card part concerned (a QR
 * label such as 'BOX2', or 'Box 1'), `items` lists the offending entries (e.g. unknown UTXOs).
 * Programmer errors (wrong argument types) stay TypeError / RangeError.
 */
export const RECOVERY_ERRORS = {
  WRONG_FORMAT:
    'This is not a Keystead key card (PDF with its keystead-keycard.json attachment, the card JSON, or its QR codes). Choose the key card file, or scan the codes printed on the card.',
  UNSUPPORTED_VERSION: 'This key card was made by a newer or unknown version of Keystead. Use a newer recovery tool, or follow the steps printed on the card.',
  CARD_MALFORMED: 'The key card data is incomplete or damaged. Use the original PDF, or scan the QR codes printed on the card.',
  CARD_INCONSISTENT: 'The key card contradicts itself (its keys do not match its descriptor or first address). Use the original, unmodified key card.',
  QR_PART_DAMAGED: 'A QR code of the key card is damaged or misread. Scan it again, or type the text printed beside it.',
  QR_PART_MISSING: 'A QR code of the key card is missing. Scan every code printed on the card (each caption says "part i of n").',
  WRONG_NETWORK: 'This key card belongs to a different Bitcoin network than the one chosen. Choose the card’s network (mainnet, testnet or regtest).',
  DESCRIPTOR_CHECKSUM: 'The wallet descriptor fails its BIP380 checksum: it was changed or mistyped. Scan or copy it again exactly as printed.',
  WRONG_PASSWORD: 'Wrong password (or a damaged box): the key could not be decrypted. Check the password, it is case-sensitive.',
  KEY_MISMATCH: 'A decrypted key is not the key the card names for that role. Use the card and password of this wallet.',
  UTXO_FORMAT: 'The coin list could not be read. Paste a JSON list of {txid, vout, value (sats) or amount (BTC), address}, Bitcoin Core listunspent / scantxoutset output, or an explorer’s /address/<address>/utxo answer.',
  UTXO_UNKNOWN: 'Some coins do not pay any address of this wallet within the scanned range. Remove them, or scan further (a larger gap or a higher maximum index).',
  UTXO_DUPLICATE: 'The same coin appears twice with different details. Export the coin list again.',
  NO_UTXOS: 'There are no coins to move. Get the wallet’s unspent outputs from your node or an explorer first.',
  INVALID_ADDRESS: 'The destination is not a valid Bitcoin address. Copy it again.',
  DESTINATION_WRONG_NETWORK: 'The destination address belongs to a different Bitcoin network than the key card.',
  FEE_RATE_OUT_OF_RANGE: 'The fee rate must be a number of sat/vB between 0.1 and 10,000, with at most 3 decimals.',
  INSUFFICIENT_FUNDS: 'The coins do not cover the fee at this fee rate. Lower the fee rate, or add coins.',
  DUST: 'After the fee, the amount left would be too small for the network to relay (dust). Lower the fee rate, or add coins.',
} as const satisfies Record<string, string>;

export type RecoveryErrorCode = keyof typeof RECOVERY_ERRORS;

export class RecoveryError extends Error {
  override readonly name = 'RecoveryError';
  readonly code: RecoveryErrorCode;
  /** The key card part concerned, when known: a QR label ('DESC', 'BOX1' … 'BOX4') or 'Box 1' / 'Box 2'. */
  readonly part: string | undefined;
  /** Offending entries (e.g. `txid:vout` of unknown coins). */
  readonly items: readonly string[];

  constructor(code: RecoveryErrorCode, detail?: string, options: { cause?: unknown; part?: string; items?: readonly string[] } = {}) {
    super(detail === undefined ? RECOVERY_ERRORS[code] : `${detail} ${RECOVERY_ERRORS[code]}`, { cause: options.cause });
    this.code = code;
    this.part = options.part;
    this.items = options.items ?? [];
  }
}

export function isRecoveryError(value: unknown, code?: RecoveryErrorCode): value is RecoveryError {
  return value instanceof RecoveryError && (code === undefined || value.code === code);
}
