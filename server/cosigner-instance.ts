/**
 * The process's one co-signer, opened lazily and kept on globalThis (an HSM session per process,
 * surviving Next's hot reload).
 */
import { AppError } from '@/lib/errors';
import { createCoSigner } from './cosigner';
import type { CoSigner } from './cosigner/types';

const globalForCoSigner = globalThis as unknown as { __keysteadCoSigner?: Promise<CoSigner> };

export function getCoSigner(): Promise<CoSigner> {
  // createCoSigner runs the backend's known-answer self-test before returning.
  globalForCoSigner.__keysteadCoSigner ??= createCoSigner(process.env).catch((error: unknown) => {
    globalForCoSigner.__keysteadCoSigner = undefined;
    throw new AppError('COSIGNER_UNAVAILABLE', `co-signer failed to open: ${(error as Error).message}`, { cause: error });
  });
  return globalForCoSigner.__keysteadCoSigner;
}
