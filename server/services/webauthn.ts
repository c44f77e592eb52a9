/**
 * WebAuthn ceremonies (via @simplewebauthn/server). Challenges are stored server-side, bound to
 * a purpose, expire after five minutes and are consumed atomically before the response is
 * verified, so a captured response can never be replayed.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { webauthnChallenges } from '@/db/schema';
import { AppError } from '@/lib/errors';
import type { AuthenticationResponse, RegistrationResponse } from '@/lib/webauthn-schemas';
import type { AppConfig } from '../config';

type Purpose = (typeof webauthnChallenges.$inferInsert)['purpose'];

const CHALLENGE_TTL_MS = 5 * 60_000;
/** ES256 (every platform authenticator) and RS256 (Windows Hello). */
const ALGORITHMS = [-7, -257];

export async function issueChallenge(
  db: DbOrTx,
  input: { purpose: Purpose; challenge: string; userId?: string | null; context?: Record<string, unknown> },
  now = new Date(),
): Promise<string> {
  const [row] = await db
    .insert(webauthnChallenges)
    .values({
      purpose: input.purpose,
      challenge: input.challenge,
      userId: input.userId ?? null,
      context: input.context ?? {},
      createdAt: now,
      expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
    })
    .returning({ id: webauthnChallenges.id });
  return row!.id;
}

export async function consumeChallenge(db: DbOrTx, ceremonyId: string, purpose: Purpose, now = new Date()) {
  const [row] = await db
    .update(webauthnChallenges)
    .set({ usedAt: now })
    .where(
      and(
        eq(webauthnChallenges.id, ceremonyId),
        eq(webauthnChallenges.purpose, purpose),
        isNull(webauthnChallenges.usedAt),
        gt(webauthnChallenges.expiresAt, now),
      ),
    )
    .returning();
  if (!row) throw new AppError('CHALLENGE_EXPIRED', `challenge ${ceremonyId} missing, used or expired`);
  return row;
}

export function newWebauthnUserId(): string {
  return isoBase64URL.fromBuffer(crypto.getRandomValues(new Uint8Array(32)));
}

export function registrationOptions(
  config: AppConfig,
  user: { webauthnUserId: string; email: string; displayName: string },
  exclude: { credentialId: string; transports: string[] }[] = [],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: config.rpName,
    rpID: config.rpId,
    userID: isoBase64URL.toBuffer(user.webauthnUserId),
    userName: user.email,
    userDisplayName: user.displayName,
    attestationType: 'none',
    // Discoverable credentials let people sign in without typing a user name.
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    supportedAlgorithmIDs: ALGORITHMS,
    excludeCredentials: exclude.map((c) => ({ id: c.credentialId, transports: c.transports as AuthenticatorTransport[] })),
  });
}

export function authenticationOptions(config: AppConfig): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({ rpID: config.rpId, userVerification: 'required', allowCredentials: [] });
}

export interface VerifiedPasskey {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
}

export async function verifyRegistration(
  config: AppConfig,
  response: RegistrationResponse,
  expectedChallenge: string,
): Promise<VerifiedPasskey> {
  let result;
  try {
    result = await verifyRegistrationResponse({
      response: response as Parameters<typeof verifyRegistrationResponse>[0]['response'],
      expectedChallenge,
      expectedOrigin: config.APP_ORIGIN,
      expectedRPID: config.rpId,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
  } catch (error) {
    throw new AppError('PASSKEY_VERIFICATION_FAILED', `registration rejected: ${(error as Error).message}`, { cause: error });
  }
  if (!result.verified) throw new AppError('PASSKEY_VERIFICATION_FAILED', 'registration not verified');
  const { credential, credentialDeviceType, credentialBackedUp } = result.registrationInfo;
  return {
    credentialId: credential.id,
    publicKey: isoBase64URL.fromBuffer(credential.publicKey),
    counter: credential.counter,
    transports: credential.transports ?? response.response.transports ?? [],
    deviceType: credentialDeviceType,
    backedUp: credentialBackedUp,
  };
}

export async function verifyAuthentication(
  config: AppConfig,
  response: AuthenticationResponse,
  expectedChallenge: string,
  stored: { credentialId: string; publicKey: string; counter: number; transports: string[] },
): Promise<{ newCounter: number }> {
  let result;
  try {
    result = await verifyAuthenticationResponse({
      response: response as Parameters<typeof verifyAuthenticationResponse>[0]['response'],
      expectedChallenge,
      expectedOrigin: config.APP_ORIGIN,
      expectedRPID: config.rpId,
      requireUserVerification: true,
      credential: {
        id: stored.credentialId,
        publicKey: isoBase64URL.toBuffer(stored.publicKey),
        counter: stored.counter,
        transports: stored.transports as AuthenticatorTransport[],
      },
    });
  } catch (error) {
    throw new AppError('PASSKEY_VERIFICATION_FAILED', `assertion rejected: ${(error as Error).message}`, { cause: error });
  }
  if (!result.verified) throw new AppError('PASSKEY_VERIFICATION_FAILED', 'assertion not verified');
  return { newCounter: result.authenticationInfo.newCounter };
}
