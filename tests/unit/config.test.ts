import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '@/server/config';
import { serializeSessionCookie, readCookie, sessionCookieName } from '@/server/auth/cookies';

describe('configuration', () => {
  it('defaults to embedded PGlite on localhost', () => {
    const c = parseConfig({});
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c).toMatchObject({ PGLITE_DIR: '.data/pglite', APP_ORIGIN: 'http://localhost:3000', rpId: 'localhost', isSecureOrigin: false });
  });

  it('chooses PostgreSQL when DATABASE_URL is set, and normalises the origin', () => {
    const c = parseConfig({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/ks', APP_ORIGIN: 'https://custody.example.com/' });
    expect(c.DATABASE_URL).toBe('postgres://u:p@127.0.0.1:5432/ks');
    expect(c).toMatchObject({ APP_ORIGIN: 'https://custody.example.com', rpId: 'custody.example.com', isSecureOrigin: true });
  });

  it('names every invalid variable in one clear error', () => {
    const attempt = () => parseConfig({ DATABASE_URL: 'mysql://x', SESSION_TTL_HOURS: '0', APP_ORIGIN: 'not a url' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/DATABASE_URL[\s\S]*APP_ORIGIN|APP_ORIGIN[\s\S]*DATABASE_URL/);
    expect(attempt).toThrow(/SESSION_TTL_HOURS/);
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});

describe('session cookie', () => {
  it('is httpOnly and SameSite=Strict; Secure with the __Host- prefix on HTTPS', () => {
    const http = parseConfig({});
    expect(serializeSessionCookie(http, 'tok', 60)).toBe('ks_session=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=60');
    const https = parseConfig({ APP_ORIGIN: 'https://k.example' });
    expect(sessionCookieName(https)).toBe('__Host-ks_session');
    expect(serializeSessionCookie(https, 'tok', 60)).toContain('; Secure');
  });

  it('reads only the named cookie', () => {
    expect(readCookie('a=1; ks_session=abc; b=2', 'ks_session')).toBe('abc');
    expect(readCookie('xks_session=abc', 'ks_session')).toBeUndefined();
    expect(readCookie(null, 'ks_session')).toBeUndefined();
  });
});
