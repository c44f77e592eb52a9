/**
 * The session cookie: httpOnly (no script can read it), SameSite=Strict (never sent on
 * cross-site requests), Secure with the __Host- prefix whenever the app is served over HTTPS.
 */
import type { AppConfig } from '../config';

export function sessionCookieName(config: Pick<AppConfig, 'isSecureOrigin'>): string {
  return config.isSecureOrigin ? '__Host-ks_session' : 'ks_session';
}

export function serializeSessionCookie(config: AppConfig, token: string, maxAgeSeconds: number): string {
  const parts = [
    `${sessionCookieName(config)}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
  ];
  if (config.isSecureOrigin) parts.push('Secure');
  return parts.join('; ');
}

export function clearSessionCookie(config: AppConfig): string {
  return serializeSessionCookie(config, '', 0);
}

export function readCookie(cookieHeader: string | null | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
