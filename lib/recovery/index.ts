/**
 * Recovery from the key card alone (docs/recovery.md): load the card, open Box 1 and Box 2 with
 * the password, find the wallet's coins, sweep them with Key #1 + Key #2. Pure and isomorphic
 * (the offline /recover page and scripts/recover.ts): no server, database, network or Node modules.
 */
export { RECOVERY_ERRORS, RecoveryError, isRecoveryError, type RecoveryErrorCode } from './errors';
export {
  PLACEHOLDER_CREATED_AT,
  loadKeycard,
  loadKeycardFromJson,
  loadKeycardFromPdf,
  loadKeycardFromQr,
  loadKeycardFromTexts,
  verifyCardDescriptor,
  type LoadFromTextsOptions,
  type LoadOptions,
} from './card';
export { unlockKeycard, type UnlockOptions, type UnlockedKeys } from './unlock';
export {
  DEFAULT_GAP,
  cardAddresses,
  cardOrigins,
  scanAddresses,
  scanAddressesAsync,
  type AsyncUsedTest,
  type ScanOptions,
  type ScanResult,
  type UsedTest,
} from './addresses';
export { expandExponent, mapUtxos, parseUtxos, type PastedUtxo, type WalletUtxo } from './utxos';
export { buildSweep, type SweepRequest, type SweepResult } from './sweep';
