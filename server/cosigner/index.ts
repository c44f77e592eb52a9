/**
 * Entry point: `createCoSigner(process.env)` (or an already parsed CoSignerConfig) at server
 * start-up, once per process. The PKCS#11 backend is imported lazily so the native pkcs11js
 * addon is only loaded when an HSM is configured.
 */
import { parseCoSignerConfig, type CoSignerConfig } from './config';
import type { CoSignerLogger } from './software';
import type { CoSigner } from './types';

export { parseCoSignerConfig, type CoSignerConfig, type Pkcs11CoSignerConfig, type SoftwareCoSignerConfig } from './config';
export { CoSignerError, isCoSignerError, type CoSignerErrorCode } from './errors';
export type { CoSignerLogger } from './software';
export type * from './types';

export interface CreateCoSignerOptions {
  /** Receives the software keystore's start-up warning (default console). */
  readonly logger?: CoSignerLogger;
  /** Run the known-answer self-test before returning (default true; STYLE.md §9). */
  readonly selfTest?: boolean;
}

type Env = Record<string, string | undefined>;

/** Accepts a parsed config, or an env object that is parsed here (throws CONFIG_INVALID and friends). */
export async function createCoSigner(configOrEnv: CoSignerConfig | Env, options: CreateCoSignerOptions = {}): Promise<CoSigner> {
  const config = isParsedConfig(configOrEnv) ? configOrEnv : parseCoSignerConfig(configOrEnv);
  const cosigner =
    config.backend === 'pkcs11'
      ? await (await import('./pkcs11')).openPkcs11CoSigner(config)
      : await (await import('./software')).openSoftwareCoSigner(config, options.logger);
  if (options.selfTest ?? true) {
    try {
      await cosigner.selfTest();
    } catch (error) {
      await cosigner.close();
      throw error;
    }
  }
  return cosigner;
}

function isParsedConfig(value: CoSignerConfig | Env): value is CoSignerConfig {
  return value.backend === 'pkcs11' || value.backend === 'software';
}
