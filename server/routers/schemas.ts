/** Output building blocks shared by procedures. */
import { z } from 'zod';

/** Dates leave the API as ISO-8601 strings (no transformer needed on the client). */
export const IsoDate = z.date().transform((d) => d.toISOString());

/** WebAuthn options pass through to @simplewebauthn/browser untouched; the browser validates them. */
const WebauthnOptions = z.custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
export const RegistrationOptionsOut = z.object({ ceremonyId: z.uuid(), options: WebauthnOptions });
export const AuthenticationOptionsOut = z.object({ ceremonyId: z.uuid(), options: WebauthnOptions });
export const Ok = z.object({ ok: z.literal(true) });
