import { z } from 'zod';
import { API_KEY_MAX_DAYS, API_SCOPES, API_SIGNING_ALGORITHMS } from '@/lib/api-keys';

export const ApiKeyIdIn = z.object({ apiKeyId: z.uuid('Must be a valid id') });

export const SigningKeyIn = z.object({
  algorithm: z.enum(API_SIGNING_ALGORITHMS),
  publicKey: z
    .string()
    .trim()
    .min(40, 'Paste the whole public key (base64url)')
    .max(100, 'Too long for an Ed25519 or P-256 public key')
    .regex(/^[A-Za-z0-9_-]+$/, 'Must be base64url without padding (A-Z a-z 0-9 - _)')
    .describe('Raw public key, base64url without padding: Ed25519 32 bytes; P-256 SEC1 33 (compressed) or 65 bytes.'),
});

export const ApiKeyNameSchema = z
  .string()
  .trim()
  .min(1, 'Name must be at least 1 character')
  .max(60, 'Name must be at most 60 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'Name must not contain control characters');

export const ScopesSchema = z
  .array(z.enum(API_SCOPES))
  .min(1, 'Choose at least one scope')
  .max(API_SCOPES.length)
  .refine((a) => new Set(a).size === a.length, 'Each scope once');

export const ExpiresAtSchema = z.iso
  .datetime({ offset: true, message: 'Must be an ISO 8601 date-time' })
  .transform((s) => new Date(s))
  .refine((d) => d.getTime() > Date.now() + 60_000, 'Choose an expiry in the future')
  .refine((d) => d.getTime() <= Date.now() + API_KEY_MAX_DAYS * 86_400_000, 'An API key lives at most one year');
