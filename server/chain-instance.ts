/** The process's one chain adapter, created lazily from the environment (server/chains/bitcoin). */
import { AppError } from '@/lib/errors';
import { createBitcoinChain } from './chains/bitcoin';
import type { BitcoinChain } from './chains/bitcoin/types';

const globalForChain = globalThis as unknown as { __keysteadChain?: BitcoinChain };

export function getBitcoinChain(): Promise<BitcoinChain> {
  try {
    globalForChain.__keysteadChain ??= createBitcoinChain(process.env);
    return Promise.resolve(globalForChain.__keysteadChain);
  } catch (error) {
    return Promise.reject(new AppError('CHAIN_UNAVAILABLE', `chain adapter: ${(error as Error).message}`, { cause: error }));
  }
}
