'use client';
/** Browser side of the WebAuthn ceremonies, with errors a person can act on. */
import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';

export class PasskeyPromptError extends Error {
  override readonly name = 'PasskeyPromptError';
}

function explain(error: unknown): never {
  const name = (error as { name?: string })?.name;
  if (name === 'NotAllowedError' || name === 'AbortError') {
    throw new PasskeyPromptError('The passkey prompt was cancelled or timed out. Click the button to try again.');
  }
  if (name === 'InvalidStateError') {
    throw new PasskeyPromptError('This authenticator already holds a passkey for this account. Use a different one.');
  }
  if (name === 'SecurityError') {
    throw new PasskeyPromptError('Passkeys need a secure address. Open Keystead at its https:// address (or http://localhost).');
  }
  throw new PasskeyPromptError(`Your browser could not use a passkey: ${(error as Error)?.message ?? String(error)}`);
}

function requireSupport() {
  if (!browserSupportsWebAuthn()) {
    throw new PasskeyPromptError('This browser does not support passkeys. Use a current Chrome, Edge, Safari or Firefox.');
  }
}

/** `options` comes straight from our server's generateRegistrationOptions. */
export async function createPasskey(options: unknown) {
  requireSupport();
  try {
    return await startRegistration({ optionsJSON: options as PublicKeyCredentialCreationOptionsJSON });
  } catch (error) {
    explain(error);
  }
}

export async function assertPasskey(options: unknown) {
  requireSupport();
  try {
    return await startAuthentication({ optionsJSON: options as PublicKeyCredentialRequestOptionsJSON });
  } catch (error) {
    explain(error);
  }
}

/** A name for the new passkey that helps its owner recognise it later. */
export function defaultPasskeyName(): string {
  const ua = navigator.userAgent;
  const os = /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'Mac' : /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iPhone/iPad' : /Linux/.test(ua) ? 'Linux' : 'Device';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Chrome\//.test(ua) ? 'Chrome' : /Firefox\//.test(ua) ? 'Firefox' : /Safari\//.test(ua) ? 'Safari' : 'browser';
  return `${browser} on ${os}`;
}
