/**
 * Environment configuration, parsed once at the boundary (STYLE.md: inputs from outside are
 * parsed by zod into values valid from then on). Invalid configuration stops the process with a
 * message naming the variable, rather than failing later in some request.
 */
import { z } from 'zod';

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** PostgreSQL connection string. When absent the embedded PGlite database is used. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** PGlite data directory, or `memory://` for a throw-away in-memory database. */
  PGLITE_DIR: z.string().min(1).default('.data/pglite'),
  /** The exact origin browsers use to reach the app; WebAuthn and the CSRF check bind to it. */
  APP_ORIGIN: z
    .url()
    .default('http://localhost:3000')
    .transform((value) => new URL(value).origin),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  INVITE_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(72),
  /** How long a transfer or governance request may wait for its approvals before it expires. */
  APPROVAL_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(72),
  /** Assisted password recovery: approvals needed from admins other than the requester. */
  RECOVERY_QUORUM: z.coerce.number().int().min(1).max(20).default(2),
  /** …and the waiting period after the quorum, during which any admin can still reject. */
  RECOVERY_WAIT_HOURS: z.coerce.number().min(0).max(24 * 30).default(48),
  /** The Bitcoin network this deployment serves; regtest is the local development chain. */
  BITCOIN_NETWORK: z.enum(['mainnet', 'testnet', 'regtest']).default('regtest'),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
});

export type AppConfig = z.infer<typeof EnvSchema> & {
  rpId: string;
  rpName: string;
  isSecureOrigin: boolean;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  // Empty strings in .env files mean "unset", not "invalid".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`Invalid Keystead configuration:\n${problems}`);
  }
  const url = new URL(result.data.APP_ORIGIN);
  return { ...result.data, rpId: url.hostname, rpName: 'Keystead', isSecureOrigin: url.protocol === 'https:' };
}

let cached: AppConfig | undefined;
export function getConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
