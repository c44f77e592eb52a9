/**
 * One coded error for Bitcoin amounts, addresses, coin selection and PSBTs (STYLE.md §6), shared
 * by the browser (lib/crypto/psbt.ts, amount.ts) and the server (server/bitcoin). Each message
 * says what happened and what to do next; `detail` may sharpen it. Programmer errors (wrong
 * argument types, impossible parameters) stay TypeError / RangeError.
 *
 * The co-signer does not throw these to its callers: server/cosigner/verify-psbt.ts turns the
 * PSBT ones into a CosignRefusedError with the same code.
 */
export const BITCOIN_ERRORS = {
  // Amounts (amount.ts)
  AMOUNT_INVALID:
    'This is not an amount Keystead can read. Type digits with at most one dot for decimals (for example 0.015), without spaces, commas or exponents.',
  AMOUNT_TOO_PRECISE: 'Bitcoin amounts have at most 8 decimals (1 sat = 0.00000001 BTC). Remove the extra digits.',
  AMOUNT_NOT_POSITIVE: 'The amount must be greater than zero.',
  AMOUNT_TOO_LARGE: 'The amount is larger than the 21,000,000 BTC that can ever exist. Check the number of digits.',
  // Destinations (destination.ts)
  INVALID_ADDRESS: 'This is not a valid Bitcoin address. Copy it again from the recipient.',
  WRONG_NETWORK: 'This address belongs to a different Bitcoin network than this wallet. Ask the recipient for an address on the wallet’s network.',
  // Fees and coin selection (server/bitcoin)
  FEE_RATE_OUT_OF_RANGE: 'The fee rate is outside the allowed range. Choose a fee rate between the minimum and the maximum shown.',
  INSUFFICIENT_FUNDS: 'The wallet does not hold enough confirmed bitcoin for these outputs and the fee. Lower the amount or the fee rate, or wait for incoming payments to confirm.',
  NO_CONFIRMED_FUNDS: 'The wallet has no confirmed coins to spend yet. Wait for incoming payments to confirm.',
  OUTPUT_BELOW_DUST: 'An output is so small that the network would refuse to relay it (dust). Send a larger amount.',
  TOO_MANY_INPUTS: 'Paying this would need more coins than fit in one standard transaction. Send a smaller amount first, or consolidate coins.',
  UTXO_NOT_OURS: 'A coin offered for spending does not belong to this wallet’s addresses. Resynchronise the wallet and try again.',
  // PSBTs (lib/crypto/psbt.ts)
  PSBT_MALFORMED: 'This is not a readable BIP174 PSBT (base64). Export the transaction again.',
  MISSING_WITNESS_UTXO: 'An input of this transaction does not state the coin it spends (witness UTXO). Rebuild the transaction in Keystead.',
  INPUT_NOT_OURS: 'An input of this transaction does not spend a coin of this wallet. Do not sign it.',
  WITNESS_SCRIPT_MISMATCH: 'An input’s witness script is not this wallet’s 2-of-3 script for that address. Do not sign it.',
  DUPLICATE_INPUT: 'The transaction spends the same coin twice. Do not sign it.',
  DERIVATION_MISSING: 'An input does not name this key’s derivation path, so it cannot be checked. Rebuild the transaction in Keystead.',
  KEY_NOT_IN_WALLET: 'This key is not the one this wallet expects for that role. Use the key file of this wallet.',
  KEY_NOT_IN_SCRIPT: 'This key is not one of the three keys of an input’s script. Do not sign it.',
  SIGHASH_NOT_ALL: 'An input asks for a signature type other than SIGHASH_ALL, which would let others change the transaction after signing. Do not sign it.',
  CHANGE_NOT_OURS: 'An output claims to be this wallet’s change but pays somewhere else. Do not sign it.',
  CHANGE_WRONG_BRANCH: 'An output claims to be change on a receive address path; Keystead only sends change to its change branch. Do not sign it.',
  FEE_NEGATIVE: 'The outputs spend more than the inputs hold. Rebuild the transaction.',
  INVALID_SIGNATURE: 'A signature in this transaction does not verify. Sign again from the unsigned transaction.',
  NOT_ENOUGH_SIGNATURES: 'Every input needs two valid signatures of its three keys before the transaction can be sent.',
} as const satisfies Record<string, string>;

export type BitcoinErrorCode = keyof typeof BITCOIN_ERRORS;

export class BitcoinError extends Error {
  override readonly name: string = 'BitcoinError';
  readonly code: BitcoinErrorCode;

  /** `detail` sharpens the message for this case; the default says what to do next. */
  constructor(code: BitcoinErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail === undefined ? BITCOIN_ERRORS[code] : `${detail} ${BITCOIN_ERRORS[code]}`, options);
    this.code = code;
  }
}

/** INSUFFICIENT_FUNDS with the amount still missing (sats), so the UI can say "x more needed". */
export class InsufficientFundsError extends BitcoinError {
  override readonly name = 'InsufficientFundsError';
  readonly shortfallSats: bigint;

  constructor(shortfallSats: bigint, detail?: string) {
    super('INSUFFICIENT_FUNDS', detail);
    this.shortfallSats = shortfallSats;
  }
}

export function isBitcoinError(value: unknown, code?: BitcoinErrorCode): value is BitcoinError {
  return value instanceof BitcoinError && (code === undefined || value.code === code);
}
