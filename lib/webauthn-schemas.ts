/**
 * Shapes of WebAuthn responses as @simplewebauthn/browser serialises them. Parsed at the API
 * boundary with size caps, so a hostile client cannot hand the verifier arbitrary objects.
 */
import { z } from 'zod';

const b64url = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');
// Open-ended on purpose: browsers add transports over time; they are only hints.
const transports = z.array(z.string().regex(/^[a-z-]{1,20}$/)).max(8);

/** Extension outputs are passed to the verifier as-is; only their shape (a small object) is checked. */
const ExtensionResults = z
  .custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v) && JSON.stringify(v).length <= 4000, 'must be a small object')
  .default({});

export const RegistrationResponseSchema = z.object({
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: ExtensionResults,
  response: z.object({
    clientDataJSON: b64url(4000),
    attestationObject: b64url(16000),
    authenticatorData: b64url(8000).optional(),
    transports: transports.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url(4000).optional(),
  }),
});

export const AuthenticationResponseSchema = z.object({
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: ExtensionResults,
  response: z.object({
    clientDataJSON: b64url(4000),
    authenticatorData: b64url(8000),
    signature: b64url(2000),
    userHandle: b64url(200).optional(),
  }),
});

export type RegistrationResponse = z.infer<typeof RegistrationResponseSchema>;
export type AuthenticationResponse = z.infer<typeof AuthenticationResponseSchema>;
