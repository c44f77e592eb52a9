/**
 * A throw-away SoftHSM2 for one test file: a temp dir initialised by scripts/hsm-init.sh (so the
 * script is exercised too), tokens added by label, and raw pkcs11js sessions to inspect objects
 * independently of the code under test.
 *
 * SoftHSM reads SOFTHSM2_CONF once per process (in C_Initialize), and vitest runs each test file
 * in its own process: use one TempSoftHsm per file and initialise every token before the first
 * co-signer opens.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pkcs11js from 'pkcs11js';
import type { Handle, PKCS11 } from 'pkcs11js';
import type { Pkcs11CoSignerConfig } from '@/server/cosigner/config';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const TEST_PIN = 'test-user-pin';
const TEST_SO_PIN = 'test-so-pin';
const HSM_INIT = path.resolve(__dirname, '../../scripts/hsm-init.sh');

export function requireSoftHsm(): void {
  if (!existsSync(SOFTHSM_MODULE)) {
    throw new Error(
      `SoftHSM2 is required for the HSM tests but ${SOFTHSM_MODULE} is missing. ` +
        'Install it with `apt-get install -y softhsm2` (or `bash scripts/setup.sh --test`); CI installs it.',
    );
  }
}

export interface TempSoftHsm {
  readonly dir: string;
  readonly conf: string;
  initToken(label: string): void;
  config(label: string, overrides?: Partial<Pkcs11CoSignerConfig>): Pkcs11CoSignerConfig;
  cleanup(): void;
}

export function createTempSoftHsm(): TempSoftHsm {
  requireSoftHsm();
  const dir = mkdtempSync(path.join(tmpdir(), 'keystead-softhsm-'));
  let conf = '';
  const initToken = (label: string) => {
    const stdout = execFileSync('bash', [HSM_INIT], {
      env: { ...process.env, SOFTHSM_DIR: dir, HSM_TOKEN_LABEL: label, HSM_PIN: TEST_PIN, HSM_SO_PIN: TEST_SO_PIN },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const match = /^export SOFTHSM2_CONF=(.+)$/m.exec(stdout);
    if (!match) throw new Error(`hsm-init.sh printed no export line: ${stdout}`);
    conf = match[1]!;
  };
  return {
    dir,
    get conf() {
      return conf;
    },
    initToken,
    config: (label, overrides = {}) => ({
      backend: 'pkcs11',
      modulePath: SOFTHSM_MODULE,
      tokenLabel: label,
      pin: TEST_PIN,
      softhsmConf: conf,
      oaepHash: 'SHA-1',
      ...overrides,
    }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Runs `fn` with a raw, logged-in session on the token, outside the code under test. The library
 * may already be initialised by a co-signer in this process (that is fine: same library state);
 * this never finalises it, so call it while a co-signer is open, or accept that it initialises.
 */
export function withRawSession<T>(conf: string, tokenLabel: string, fn: (lib: PKCS11, session: pkcs11js.Handle) => T): T {
  const lib = new pkcs11js.PKCS11();
  lib.load(SOFTHSM_MODULE);
  const previous = process.env.SOFTHSM2_CONF;
  process.env.SOFTHSM2_CONF = conf;
  try {
    lib.C_Initialize();
  } catch (error) {
    if ((error as { code?: number }).code !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw error;
  } finally {
    if (previous === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = previous;
  }
  const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trimEnd() === tokenLabel);
  if (!slot) throw new Error(`no token ${tokenLabel}`);
  const session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
  try {
    try {
      lib.C_Login(session, pkcs11js.CKU_USER, TEST_PIN);
    } catch (error) {
      if ((error as { code?: number }).code !== pkcs11js.CKR_USER_ALREADY_LOGGED_IN) throw error;
    }
    return fn(lib, session);
  } finally {
    lib.C_CloseSession(session);
  }
}

export function findByLabel(lib: PKCS11, session: Handle, objectClass: number, label: string): Handle[] {
  lib.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: objectClass },
    { type: pkcs11js.CKA_LABEL, value: label },
  ]);
  try {
    return lib.C_FindObjects(session, 16);
  } finally {
    lib.C_FindObjectsFinal(session);
  }
}

export function readFlag(lib: PKCS11, session: Handle, handle: Handle, type: number): boolean {
  const [attribute] = lib.C_GetAttributeValue(session, handle, [{ type }]);
  const value = attribute?.value;
  return Buffer.isBuffer(value) ? value[0] === 1 : value === true;
}
