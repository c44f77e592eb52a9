/**
 * createBitcoinChain(env): the configured backend, from an env object (not process.env, for
 * testability), parsed once by zod into a value valid from then on.
 *
 *   BITCOIN_BACKEND           bcoin | bitcoind                 (default bcoin)
 *   BITCOIN_NETWORK           mainnet | testnet | regtest      (default regtest)
 *   BITCOIN_RPC_URL           node URL without credentials     (default bcoin http://127.0.0.1:48332,
 *                                                                bitcoind http://127.0.0.1:8332/18332/18443 by network)
 *   BCOIN_API_KEY             bcoin's --api-key (BITCOIN_RPC_PASSWORD is accepted too)
 *   BITCOIN_RPC_USER / BITCOIN_RPC_PASSWORD   Bitcoin Core rpcauth credentials (required for bitcoind)
 *   BITCOIN_RPC_WALLET        Bitcoin Core watch-only wallet name (default keystead-watch)
 *   BITCOIN_WATCH_RESCAN_SINCE  Bitcoin Core: unix time, or "now", from which newly watched
 *                             addresses are rescanned (default: 24 hours before the import)
 *   BITCOIN_FEE_FLOOR_SAT_VB  lowest fee rate ever returned (default 2)
 */
import { z } from 'zod';
import { BcoinChain } from './bcoin';
import { BitcoindChain, type RescanSince } from './bitcoind';
import { ChainError } from './errors';
import type { BitcoinChain } from './types';

export type { BitcoinChain, ChainTx, FeeRate, Utxo } from './types';
export { BcoinChain, type BcoinChainOptions } from './bcoin';
export { BitcoindChain, type BitcoindChainOptions } from './bitcoind';
export { CHAIN_ERRORS, ChainError, isChainError, type ChainErrorCode } from './errors';

/** bcoin 1.0.2's regtest HTTP/JSON-RPC port (lib/protocol/networks.js regtest.rpcPort). */
export const BCOIN_REGTEST_DEFAULT_URL = 'http://127.0.0.1:48332';
const BITCOIND_DEFAULT_URLS = {
  mainnet: 'http://127.0.0.1:8332',
  testnet: 'http://127.0.0.1:18332',
  regtest: 'http://127.0.0.1:18443',
} as const;
const BCOIN_DEFAULT_URLS = {
  mainnet: 'http://127.0.0.1:8332',
  testnet: 'http://127.0.0.1:18332',
  regtest: BCOIN_REGTEST_DEFAULT_URL,
} as const;

const NodeUrl = z
  .url({ protocol: /^https?$/ })
  .refine((value) => {
    const url = new URL(value);
    return url.username === '' && url.password === '';
  }, 'must not contain credentials: use BCOIN_API_KEY or BITCOIN_RPC_USER / BITCOIN_RPC_PASSWORD')
  .transform((value) => value.replace(/\/+$/, ''));

const ChainEnvSchema = z.object({
  BITCOIN_BACKEND: z.enum(['bcoin', 'bitcoind']).default('bcoin'),
  BITCOIN_NETWORK: z.enum(['mainnet', 'testnet', 'regtest']).default('regtest'),
  BITCOIN_RPC_URL: NodeUrl.optional(),
  BCOIN_API_KEY: z.string().min(1).max(255).optional(),
  BITCOIN_RPC_USER: z.string().min(1).optional(),
  BITCOIN_RPC_PASSWORD: z.string().min(1).optional(),
  BITCOIN_RPC_WALLET: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ -')
    .default('keystead-watch'),
  BITCOIN_WATCH_RESCAN_SINCE: z
    .union([z.literal('now'), z.coerce.number().int().nonnegative()])
    .optional(),
  BITCOIN_FEE_FLOOR_SAT_VB: z.coerce.number().min(1).max(10_000).default(2),
});

export type ChainConfig = z.infer<typeof ChainEnvSchema>;

export function parseChainConfig(env: Record<string, string | undefined>): ChainConfig {
  // Empty strings in .env files mean "unset", not "invalid" (as in server/config.ts).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = ChainEnvSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ChainError('CONFIG_INVALID', `Invalid Bitcoin node configuration (${problems}).`);
  }
  return result.data;
}

export function createBitcoinChain(env: Record<string, string | undefined>): BitcoinChain {
  const config = parseChainConfig(env);
  const network = config.BITCOIN_NETWORK;
  if (config.BITCOIN_BACKEND === 'bcoin') {
    return new BcoinChain({
      network,
      url: config.BITCOIN_RPC_URL ?? BCOIN_DEFAULT_URLS[network],
      apiKey: config.BCOIN_API_KEY ?? config.BITCOIN_RPC_PASSWORD,
      feeFloorSatPerVb: config.BITCOIN_FEE_FLOOR_SAT_VB,
    });
  }
  if (!config.BITCOIN_RPC_USER || !config.BITCOIN_RPC_PASSWORD) {
    throw new ChainError('CONFIG_INVALID', 'BITCOIN_BACKEND=bitcoind needs BITCOIN_RPC_USER and BITCOIN_RPC_PASSWORD.');
  }
  const rescanSince: RescanSince | undefined = config.BITCOIN_WATCH_RESCAN_SINCE;
  return new BitcoindChain({
    network,
    url: config.BITCOIN_RPC_URL ?? BITCOIND_DEFAULT_URLS[network],
    user: config.BITCOIN_RPC_USER,
    password: config.BITCOIN_RPC_PASSWORD,
    wallet: config.BITCOIN_RPC_WALLET,
    rescanSince,
    feeFloorSatPerVb: config.BITCOIN_FEE_FLOOR_SAT_VB,
  });
}
