'use client';
import { Alert } from '@/components/ui/Alert';
import { RECOVERY_ERRORS, isRecoveryError } from '@/lib/recovery/errors';

/** Short titles per code; the message itself (RECOVERY_ERRORS) already says what to do next. */
const TITLES: Record<keyof typeof RECOVERY_ERRORS, string> = {
  WRONG_FORMAT: 'Not a key card',
  UNSUPPORTED_VERSION: 'Unknown key card version',
  CARD_MALFORMED: 'Damaged key card data',
  CARD_INCONSISTENT: 'Inconsistent key card',
  QR_PART_DAMAGED: 'Damaged QR code',
  QR_PART_MISSING: 'Missing QR code',
  WRONG_NETWORK: 'Wrong network',
  DESCRIPTOR_CHECKSUM: 'Descriptor checksum does not match',
  WRONG_PASSWORD: 'Wrong password',
  KEY_MISMATCH: 'Key does not match the card',
  UTXO_FORMAT: 'Coin list not understood',
  UTXO_UNKNOWN: 'Coins not of this wallet',
  UTXO_DUPLICATE: 'Duplicate coin',
  NO_UTXOS: 'No coins',
  INVALID_ADDRESS: 'Invalid destination',
  DESTINATION_WRONG_NETWORK: 'Destination on another network',
  FEE_RATE_OUT_OF_RANGE: 'Fee rate out of range',
  INSUFFICIENT_FUNDS: 'Not enough to pay the fee',
  DUST: 'Amount too small',
};

/** A RecoveryError (message = what happened + what to do next, with the part and items it names), or any other error. */
export function RecoveryErrorView({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  if (isRecoveryError(error)) {
    return (
      <Alert tone="error" title={TITLES[error.code] ?? 'Recovery error'}>
        <p data-testid="recovery-error" data-code={error.code}>
          {error.message} <span className="error-code">({error.code}{error.part ? `, ${error.part}` : ''})</span>
        </p>
        {error.items.length > 0 && (
          <ul className="plain-list mono small break">
            {error.items.slice(0, 20).map((item) => (
              <li key={item}>{item}</li>
            ))}
            {error.items.length > 20 && <li>… and {error.items.length - 20} more</li>}
          </ul>
        )}
      </Alert>
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert tone="error" title="Unexpected error">
      <p data-testid="recovery-error" data-code="UNEXPECTED">
        {message} Nothing was sent anywhere. Check the inputs above, or use the command line tool described in the key card instructions.
      </p>
    </Alert>
  );
}
