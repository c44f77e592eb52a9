/**
 * Co-signer configuration, parsed once from an env object (not process.env, for testability)
 * into a value valid from then on. To be merged into server/config.ts.
 *
 *   KEYSTEAD_COSIGNER   auto | pkcs11 | software   (auto: pkcs11 when the module exists, else software)
 *   HSM_MODULE          PKCS#11 library           (default /usr/lib/softhsm/libsofthsm2.so if present)
 *   HSM_TOKEN_LABEL     token label               (default keystead)
 *   HSM_PIN             user PIN                  (required in production; dev default otherwise)
 *   SOFTHSM2_CONF       SoftHSM config            (default .data/softhsm/softhsm2.conf if present)
 *   HSM_OAEP_HASH       SHA-1 | SHA-256           (default SHA-1 for pkcs11: SoftHSM 2.6.1; SHA-256 for software)
 *   KEYSTEAD_SOFTWARE_KEYSTORE_DIR     software keystore dir  (default .data/cosigner)
 *   KEYSTEAD_SOFTWARE_KEYSTORE_SECRET  ≥32 chars; else a generated 0600 secret file next to the keystore
 *   KEYSTEAD_ALLOW_SOFTWARE_COSIGNER   true to accept the software keystore when NODE_ENV=production
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CoSignerError } from './errors';
import type { OaepHash } from './types';

export const DEFAULT_HSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const DEFAULT_SOFTHSM2_CONF = '.data/softhsm/softhsm2.conf';
/** Must match the dev default in scripts/hsm-init.sh. */
export const DEV_HSM_PIN = 'keystead-dev-pin';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const CoSignerEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  KEYSTEAD_COSIGNER: z.enum(['auto', 'pkcs11', 'software']).default('auto'),
  HSM_MODULE: z.string().min(1).optional(),
  HSM_TOKEN_LABEL: z.string().min(1).max(32).default('keystead'),
  HSM_PIN: z.string().min(4).max(255).optional(),
  SOFTHSM2_CONF: z.string().min(1).optional(),
  HSM_OAEP_HASH: z.enum(['SHA-1', 'SHA-256']).optional(),
  KEYSTEAD_SOFTWARE_KEYSTORE_DIR: z.string().min(1).default('.data/cosigner'),
  KEYSTEAD_SOFTWARE_KEYSTORE_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)').optional(),
  KEYSTEAD_ALLOW_SOFTWARE_COSIGNER: flag.default(false),
});

export interface Pkcs11CoSignerConfig {
  readonly backend: 'pkcs11';
  readonly modulePath: string;
  readonly tokenLabel: string;
  readonly pin: string;
  /** Set in process.env before the library initialises (SoftHSM reads it there). */
  readonly softhsmConf?: string;
  readonly oaepHash: OaepHash;
}

export interface SoftwareCoSignerConfig {
  readonly backend: 'software';
  readonly dir: string;
  readonly secret?: string;
  readonly oaepHash: OaepHash;
  readonly isProduction: boolean;
  readonly allowInProduction: boolean;
}

export type CoSignerConfig = Pkcs11CoSignerConfig | SoftwareCoSignerConfig;

export interface ParseCoSignerConfigOptions {
  /** Filesystem probe for the defaults; injectable for tests. */
  readonly fileExists?: (file: string) => boolean;
  /** Base for relative paths (default process.cwd()). */
  readonly cwd?: string;
}

export function parseCoSignerConfig(
  env: Record<string, string | undefined>,
  { fileExists = existsSync, cwd = process.cwd() }: ParseCoSignerConfigOptions = {},
): CoSignerConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = CoSignerEnvSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new CoSignerError('CONFIG_INVALID', `Invalid co-signer configuration:\n${problems}\n`);
  }
  const e = result.data;
  const isProduction = e.NODE_ENV === 'production';
  const modulePath = e.HSM_MODULE ?? (fileExists(DEFAULT_HSM_MODULE) ? DEFAULT_HSM_MODULE : undefined);
  const backend = e.KEYSTEAD_COSIGNER === 'auto' ? (modulePath && fileExists(modulePath) ? 'pkcs11' : 'software') : e.KEYSTEAD_COSIGNER;

  if (backend === 'software') {
    // An operator who named a module meant to use it: auto never falls back silently from it.
    if (e.KEYSTEAD_COSIGNER === 'auto' && e.HSM_MODULE) {
      throw new CoSignerError('HSM_UNAVAILABLE', `HSM_MODULE=${e.HSM_MODULE} does not exist.`);
    }
    if (isProduction && !e.KEYSTEAD_ALLOW_SOFTWARE_COSIGNER) {
      throw new CoSignerError('SOFTWARE_KEYSTORE_FORBIDDEN', 'NODE_ENV=production and no PKCS#11 module is configured: refusing the software keystore.');
    }
    return {
      backend,
      dir: path.resolve(cwd, e.KEYSTEAD_SOFTWARE_KEYSTORE_DIR),
      secret: e.KEYSTEAD_SOFTWARE_KEYSTORE_SECRET,
      oaepHash: e.HSM_OAEP_HASH ?? 'SHA-256',
      isProduction,
      allowInProduction: e.KEYSTEAD_ALLOW_SOFTWARE_COSIGNER,
    };
  }

  if (!modulePath || !fileExists(modulePath)) {
    throw new CoSignerError('HSM_UNAVAILABLE', `KEYSTEAD_COSIGNER=pkcs11 but the PKCS#11 module ${modulePath ?? DEFAULT_HSM_MODULE} does not exist.`);
  }
  if (!e.HSM_PIN && isProduction) {
    throw new CoSignerError('CONFIG_INVALID', 'HSM_PIN is required when NODE_ENV=production.');
  }
  const defaultConf = path.resolve(cwd, DEFAULT_SOFTHSM2_CONF);
  const softhsmConf = e.SOFTHSM2_CONF ? path.resolve(cwd, e.SOFTHSM2_CONF) : fileExists(defaultConf) ? defaultConf : undefined;
  return {
    backend,
    modulePath,
    tokenLabel: e.HSM_TOKEN_LABEL,
    pin: e.HSM_PIN ?? DEV_HSM_PIN,
    softhsmConf,
    oaepHash: e.HSM_OAEP_HASH ?? 'SHA-1',
  };
}
