/**
 * Minimum password policy for the wallet password, the same in the browser and on the server
 * (NIST SP 800-63B §5.1.1.2: length first, no composition theatre beyond a small floor). The
 * strength meter (zxcvbn) lives in the UI; this is only the floor both sides enforce.
 * Measured on the NFKC form, the form envelope.ts and recovery-box.ts actually use.
 */
export const MIN_PASSWORD_CHARS = 12;
export const MAX_PASSWORD_CHARS = 128;
/** Keeps Box 4 within one RSA-OAEP block (3072-bit key, SHA-256: 318 bytes). */
export const MAX_PASSWORD_UTF8_BYTES = 256;
const MIN_DISTINCT_CHARS = 5;

const CHARACTER_CLASSES = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u] as const;

/** Empty array = acceptable. Each entry is a sentence for the person choosing the password. */
export function passwordPolicyErrors(password: string): string[] {
  if (typeof password !== 'string') return ['Enter a password.'];
  const normalized = password.normalize('NFKC');
  const chars = [...normalized];
  const errors: string[] = [];
  if (chars.length < MIN_PASSWORD_CHARS) errors.push(`Use at least ${MIN_PASSWORD_CHARS} characters.`);
  if (chars.length > MAX_PASSWORD_CHARS) errors.push(`Use at most ${MAX_PASSWORD_CHARS} characters.`);
  else if (new TextEncoder().encode(normalized).length > MAX_PASSWORD_UTF8_BYTES) errors.push('This password is too long; use fewer characters.');
  if (CHARACTER_CLASSES.filter((c) => c.test(normalized)).length < 2) {
    errors.push('Mix at least two kinds of characters (lower case, upper case, digits, spaces or symbols).');
  }
  if (new Set(chars).size < MIN_DISTINCT_CHARS) errors.push(`Use at least ${MIN_DISTINCT_CHARS} different characters.`);
  if (normalized !== normalized.trim()) errors.push('Do not start or end the password with a space.');
  return errors;
}
