/**
 * Offline recovery from the key card alone (docs/recovery.md):
 *
 *   npx tsx scripts/recover.ts --card card.pdf|card.json|qr-payloads.txt [--network regtest]
 *       [--addresses 10]                                   print the first addresses and stop
 *       [--utxos coins.json [--utxo-address <addr>]] [--to <address>] [--fee-rate <sat/vB>] [--gap 20] [--max-index N]
 *
 * The password comes from KEYSTEAD_RECOVERY_PASSWORD or is asked on the terminal without echo;
 * never from the command line. Imports only lib/ (no server, no network).
 * Exit codes: 0 ok, 2 usage / unreadable file, and one code per RecoveryError (EXIT_CODES).
 */
import { combineShares, isPasswordShareError } from '../lib/crypto/password-shares';
import { readFileSync } from 'node:fs';
import { isBitcoinNetwork, type BitcoinNetwork } from '../lib/crypto/networks';
import { satsToBtcString } from '../lib/bitcoin/amount';
import {
  RecoveryError,
  buildSweep,
  cardAddresses,
  loadKeycard,
  mapUtxos,
  parseUtxos,
  unlockKeycard,
  type RecoveryErrorCode,
} from '../lib/recovery';

export const EXIT_USAGE = 2;
export const EXIT_CODES: Record<RecoveryErrorCode, number> = {
  WRONG_FORMAT: 10,
  UNSUPPORTED_VERSION: 11,
  CARD_MALFORMED: 12,
  CARD_INCONSISTENT: 13,
  QR_PART_DAMAGED: 14,
  QR_PART_MISSING: 15,
  WRONG_NETWORK: 16,
  DESCRIPTOR_CHECKSUM: 17,
  WRONG_PASSWORD: 20,
  KEY_MISMATCH: 21,
  UTXO_FORMAT: 30,
  UTXO_UNKNOWN: 31,
  UTXO_DUPLICATE: 32,
  NO_UTXOS: 33,
  INVALID_ADDRESS: 40,
  DESTINATION_WRONG_NETWORK: 41,
  FEE_RATE_OUT_OF_RANGE: 42,
  INSUFFICIENT_FUNDS: 43,
  DUST: 44,
};

const USAGE = `usage: npx tsx scripts/recover.ts --card <card.pdf|card.json|qr.txt> [--network mainnet|testnet|regtest]
       [--addresses <n>] | [--utxos <coins.json> [--utxo-address <addr>] --to <address> --fee-rate <sat/vB> [--gap <n>] [--max-index <n>]]
The wallet password is read from KEYSTEAD_RECOVERY_PASSWORD, or asked on the terminal, or rebuilt\nfrom officers' share cards with --shares <file> (one share text per line).`;

class UsageError extends Error {}

interface Args {
  card: string;
  network?: BitcoinNetwork;
  addresses?: number;
  utxos?: string;
  utxoAddress?: string;
  to?: string;
  feeRate?: number;
  gap?: number;
  maxIndex?: number;
  /** A text file of password share texts (one per line), instead of the password. */
  shares?: string;
}

function parseArgs(argv: string[]): Args {
  const values = new Map<string, string>();
  const known = ['--card', '--network', '--addresses', '--utxos', '--utxo-address', '--to', '--fee-rate', '--gap', '--max-index', '--shares'];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    if (flag === '--password') throw new UsageError('The password is never taken from the command line: set KEYSTEAD_RECOVERY_PASSWORD or type it when asked.');
    if (flag === '--help' || flag === '-h') throw new UsageError('');
    if (!known.includes(flag)) throw new UsageError(`Unknown argument ${flag}.`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value.`);
    values.set(flag, value);
  }
  const int = (flag: string) => {
    const v = values.get(flag);
    if (v === undefined) return undefined;
    if (!/^[0-9]{1,7}$/.test(v)) throw new UsageError(`${flag} must be a whole number.`);
    return Number(v);
  };
  const card = values.get('--card');
  if (!card) throw new UsageError('--card is required.');
  const network = values.get('--network');
  if (network !== undefined && !isBitcoinNetwork(network)) throw new UsageError('--network must be mainnet, testnet or regtest.');
  const feeRate = values.get('--fee-rate');
  if (feeRate !== undefined && !/^[0-9]+(\.[0-9]+)?$/.test(feeRate)) throw new UsageError('--fee-rate must be a number of sat/vB.');
  const args: Args = { card, network, addresses: int('--addresses'), utxos: values.get('--utxos'), utxoAddress: values.get('--utxo-address'), to: values.get('--to'), feeRate: feeRate === undefined ? undefined : Number(feeRate), gap: int('--gap'), maxIndex: int('--max-index'), shares: values.get('--shares') };
  if (args.addresses === undefined && (!args.utxos || !args.to || args.feeRate === undefined)) {
    throw new UsageError('Give --addresses <n>, or --utxos, --to and --fee-rate to build the sweep.');
  }
  return args;
}

function readInput(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Reads a line from the terminal without echoing it. */
function promptPassword(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.reject(new UsageError('No terminal to ask the password on: set KEYSTEAD_RECOVERY_PASSWORD.'));
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let password = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done(undefined);
        if (ch === '\u0003') return done(new UsageError('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') password = password.slice(0, -1);
        else password += ch;
      }
    };
    const done = (error: Error | undefined) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(password);
    };
    stdin.on('data', onData);
  });
}

export async function main(argv: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  try {
    const args = parseArgs(argv);
    const card = loadKeycard(readInput(args.card), { network: args.network });
    const { wallet } = card;
    out(`Key card: wallet "${wallet.name}" (${wallet.orgName}), ${wallet.network}, id ${wallet.id}`);
    out(`Descriptor checksum: #${wallet.descriptor.slice(-8)}   first address (compare with the card): ${card.firstAddress.address}`);
    if (args.addresses !== undefined) {
      const n = Math.max(1, Math.min(args.addresses, 1000));
      for (const branch of [0, 1] as const) {
        out(branch === 0 ? 'Receive addresses:' : 'Change addresses:');
        for (const a of cardAddresses(card, branch, 0, n)) out(`  ${branch}/${a.index}  ${a.address}`);
      }
      return 0;
    }
    const utxos = mapUtxos(card, parseUtxos(new TextDecoder().decode(readInput(args.utxos!)), { address: args.utxoAddress }), { gap: args.gap, maxIndex: args.maxIndex });
    out(`Coins (${utxos.length}):`);
    for (const u of utxos) out(`  ${u.txid}:${u.vout}  ${satsToBtcString(u.valueSats)} BTC  ${u.branch}/${u.index} ${u.address.address}`);
    const password = args.shares ? await passwordFromShares(args.shares, card.wallet.id, err) : (process.env.KEYSTEAD_RECOVERY_PASSWORD ?? (await promptPassword('Wallet password: ')));
    err('Opening Box 1 and Box 2 (a few seconds)…');
    const keys = await unlockKeycard(card, password);
    const sweep = buildSweep({ card, keys, utxos, destination: args.to!, feeRateSatVb: args.feeRate! });
    out(`Sweep: ${satsToBtcString(sweep.totalInSats)} BTC in, ${satsToBtcString(sweep.amountSats)} BTC to ${sweep.destination}, fee ${sweep.feeSats} sat (${sweep.vsize} vB, estimate ${sweep.vsizeEstimate} vB)`);
    out(`Signed PSBT (Key #1 + Key #2):\n${sweep.psbtBase64}`);
    out(`Raw transaction (broadcast it with any node or explorer):\n${sweep.txHex}`);
    out(`txid: ${sweep.txid}`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) err(error.message);
      err(USAGE);
      return EXIT_USAGE;
    }
    if (isPasswordShareError(error)) {
      err(`Error ${error.code}: ${error.message}`);
      return EXIT_SHARES;
    }
    if (error instanceof RecoveryError) {
      err(`Error ${error.code}${error.part ? ` (${error.part})` : ''}: ${error.message}`);
      return EXIT_CODES[error.code];
    }
    err(`Unexpected error: ${(error as Error).message}`);
    return 1;
  }
}

/** "No vendor secret" recovery: k officers' share texts (one per line) give the password. */
async function passwordFromShares(file: string, walletId: string, err: (line: string) => void): Promise<string> {
  const lines = new TextDecoder().decode(readInput(file)).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  err(`Combining ${lines.length} password share(s)…`);
  return combineShares(lines, { walletId });
}

const EXIT_SHARES = 22;

if (process.argv[1] && /recover\.ts$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
