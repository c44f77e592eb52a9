/** Field schemas shared by forms (client-side hints) and procedures (the authority). */
import { z } from 'zod';
import { ORG_ROLES, WALLET_ROLES } from './roles';

const trimmed = (min: number, max: number, what: string) =>
  z
    .string()
    .trim()
    .min(min, `${what} must be at least ${min} character${min === 1 ? '' : 's'}`)
    .max(max, `${what} must be at most ${max} characters`)
    // Control characters would corrupt logs, the audit export and printed key cards.
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `${what} must not contain control characters`);

export const OrgNameSchema = trimmed(2, 100, 'Organisation name');
export const DisplayNameSchema = trimmed(1, 100, 'Name');
export const PasskeyNameSchema = trimmed(1, 60, 'Passkey name');
export const EmailSchema = z
  .string()
  .trim()
  .max(254, 'Email must be at most 254 characters')
  .pipe(z.email('Enter a valid email address'))
  .transform((s) => s.toLowerCase());
export const IdSchema = z.uuid('Must be a valid id');
export const InviteTokenSchema = z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/, 'Malformed invite token');

export const OrgRoleSchema = z.enum(ORG_ROLES);
export const WalletRoleSchema = z.enum(WALLET_ROLES);
export const WalletNameSchema = z
  .string()
  .trim()
  .min(2, 'Wallet name must be at least 2 characters')
  .max(60, 'Wallet name must be at most 60 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'Wallet name must not contain control characters');
