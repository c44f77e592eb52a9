/**
 * BIP174 PSBTs of the wallet's `wsh(sortedmulti(2, user, backup, cosigner))` coins: read, check,
 * sign one input at a time, finalize. Isomorphic: the browser signs with Key #1 (or Key #1 + #2
 * on the recovery path) through this file, and the co-signer signs with Key #3 through the same
 * per-input checks (server/cosigner/verify-psbt.ts).
 * - BIP174 (PSBT v0) via @scure/btc-signer: fields witnessUtxo, witnessScript, bip32Derivation,
 *   partialSig, sighashType; Input Finalizer for P2WSH multisig.
 * - BIP143 (segwit v0 signature hash), SIGHASH_ALL only; BIP146 low-S (noble verifies low-S).
 * - BIP32 / BIP48 derivation `<account path>/<branch>/<index>` per key, BIP67 sorted keys.
 *
 * Nothing in a PSBT is trusted on its own word. Every input must claim, through its BIP32
 * derivations, a path of this wallet; the claimed pubkeys, the 2-of-3 witness script and the
 * P2WSH script of the coin are then recomputed from the wallet's own xpubs (address.ts) and must
 * match byte for byte. An output is change only if the same recomputation, on branch 1, gives
 * its exact script. scure's signIdx runs only after these checks, with the one child key of
 * that input, allowed sighash [ALL], and the child's private bytes are zeroed right after.
 * There is deliberately no "sign whatever is signable" entry point.
 */
import { HARDENED_OFFSET, type HDKey } from '@scure/bip32';
import { base64, hex } from '@scure/base';
import { OutScript, SigHash, Transaction, type TxOpts } from '@scure/btc-signer';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { equalBytes } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { BitcoinError, type BitcoinErrorCode } from '@/lib/bitcoin/errors';
import { scriptToAddress } from '@/lib/bitcoin/destination';
import { spendWeight, weightToVsize } from '@/lib/bitcoin/tx-size';
import { deriveAddress, type AddressBranch, type DerivedAddress } from './address';
import type { WalletOrigins } from './descriptor';
import { assertDistinctOrigins, decodeExtendedKey, parseDerivationPath } from './keys';
import type { BitcoinNetwork } from './networks';

export type SignerRole = 'user' | 'backup' | 'cosigner';
/** Position of each key in `origins` (the wallet's order: user, backup, cosigner). */
export const SIGNER_ROLE_INDEX: Readonly<Record<SignerRole, 0 | 1 | 2>> = { user: 0, backup: 1, cosigner: 2 };

export interface PsbtWallet {
  readonly origins: WalletOrigins;
  readonly network: BitcoinNetwork;
}

export interface WalletInput {
  readonly txid: string;
  readonly vout: number;
  readonly valueSats: bigint;
  readonly branch: AddressBranch;
  readonly index: number;
  /** The wallet's own address at the claimed path (recomputed, not read from the PSBT). */
  readonly address: DerivedAddress;
}

export type OutputKind = { readonly isChange: false } | { readonly isChange: true; readonly changeIndex: number };

export interface DescribedOutput {
  /** Address on the wallet's network; null for scripts without one (OP_RETURN, bare scripts). */
  readonly address: string | null;
  readonly scriptHex: string;
  readonly valueSats: bigint;
  readonly isChange: boolean;
  readonly changeIndex?: number;
}

export interface PsbtDescription {
  readonly inputs: readonly Omit<WalletInput, 'address'>[];
  readonly outputs: readonly DescribedOutput[];
  readonly feeSats: bigint;
  /** Upper bound of the signed transaction's vsize (tx-size.ts). */
  readonly vsizeEstimate: number;
  /** feeSats / vsizeEstimate, floored to 0.01 sat/vB: for display only, never for money. */
  readonly feeRate: number;
  readonly version: number;
  readonly lockTime: number;
}

/** BIP125 opt-in RBF with nLockTime enforced and no BIP68 relative lock: the only nSequence we build or co-sign. */
export const RBF_SEQUENCE = 0xfffffffd;
const MAX_PSBT_BASE64_CHARS = 2_000_000;
const THRESHOLD = 2;
const KEY_COUNT = 3;

/** Parsing options: no silent script checks (we check and name each failure ourselves), OP_RETURN readable. */
const PARSE_OPTIONS: TxOpts = { disableScriptCheck: true, allowUnknownOutputs: true };

// ---------------------------------------------------------------------------------------------
// Wallet context: the xpubs decoded once, addresses recomputed on demand.

type BranchKeys = readonly [HDKey, HDKey, HDKey];

interface ClaimedKeys {
  readonly address: DerivedAddress;
  /** Child public key of each role at the path, in wallet order (user, backup, cosigner). */
  readonly rolePubkeys: readonly Uint8Array[];
}

export class WalletContext {
  readonly network: BitcoinNetwork;
  readonly origins: WalletOrigins;
  private readonly fingerprints: readonly number[];
  private readonly originSteps: readonly (readonly number[])[];
  private readonly accountKeys: readonly HDKey[];
  private readonly branchKeys = new Map<number, BranchKeys>();
  private readonly claimed = new Map<string, ClaimedKeys>();

  constructor(wallet: PsbtWallet) {
    if (wallet.origins.length !== KEY_COUNT) throw new RangeError('A Keystead wallet has exactly three keys');
    assertDistinctOrigins(wallet.origins);
    this.network = wallet.network;
    this.origins = wallet.origins;
    this.fingerprints = wallet.origins.map((o) => Number.parseInt(o.fingerprint, 16));
    this.originSteps = wallet.origins.map((o) => parseDerivationPath(o.path));
    this.accountKeys = wallet.origins.map((o) => decodeExtendedKey(o.xpub, wallet.network, 'public'));
  }

  /** BIP32 fingerprint (uint32) of the master key of `role`. */
  fingerprintOf(role: number): number {
    return this.fingerprints[role]!;
  }

  /** Full path `<origin path>/<branch>/<index>` of `role`'s key at an address. */
  pathOf(role: number, branch: number, index: number): number[] {
    return [...this.originSteps[role]!, branch, index];
  }

  /** Roles whose origin (fingerprint + account path) is the prefix of `path`, with the two unhardened steps after it. */
  matchOrigin(fingerprint: number, path: readonly number[]): { role: number; branch: number; index: number }[] {
    const matches: { role: number; branch: number; index: number }[] = [];
    this.originSteps.forEach((steps, role) => {
      if (this.fingerprints[role] !== fingerprint || path.length !== steps.length + 2) return;
      if (!steps.every((s, i) => path[i] === s)) return;
      const branch = path[steps.length]!;
      const index = path[steps.length + 1]!;
      if (branch < HARDENED_OFFSET && index < HARDENED_OFFSET) matches.push({ role, branch, index });
    });
    return matches;
  }

  /** The wallet's address and per-role keys at branch/index, recomputed from the xpubs (memoized per context). */
  keysAt(branch: AddressBranch, index: number): ClaimedKeys {
    const id = `${branch}/${index}`;
    let keys = this.claimed.get(id);
    if (!keys) {
      const rolePubkeys = this.branch(branch).map((k) => k.deriveChild(index).publicKey!);
      const address = deriveAddress(this.origins, this.network, branch, index);
      // Defence in depth: address.ts sorts exactly these keys (BIP67).
      if (!address.pubkeys.every((p) => rolePubkeys.some((k) => hex.encode(k) === p))) throw new Error('address derivation disagrees with the xpubs');
      keys = { address, rolePubkeys };
      this.claimed.set(id, keys);
    }
    return keys;
  }

  private branch(branch: number): BranchKeys {
    let keys = this.branchKeys.get(branch);
    if (!keys) {
      const [a, b, c] = this.accountKeys.map((k) => k.deriveChild(branch));
      keys = [a!, b!, c!];
      this.branchKeys.set(branch, keys);
    }
    return keys;
  }
}

export function walletContext(wallet: PsbtWallet | WalletContext): WalletContext {
  return wallet instanceof WalletContext ? wallet : new WalletContext(wallet);
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** Base64 PSBT (outside input) → scure Transaction; PSBT_MALFORMED for anything unreadable. */
export function decodePsbt(psbtBase64: string): Transaction {
  if (typeof psbtBase64 !== 'string') throw new TypeError('psbtBase64 must be a string');
  const text = psbtBase64.trim();
  if (text.length === 0 || text.length > MAX_PSBT_BASE64_CHARS) throw new BitcoinError('PSBT_MALFORMED', 'The PSBT is empty or too large.');
  let bytes: Uint8Array;
  try {
    bytes = base64.decode(text);
  } catch (cause) {
    throw new BitcoinError('PSBT_MALFORMED', 'The PSBT is not valid base64.', { cause });
  }
  try {
    const tx = Transaction.fromPSBT(bytes, PARSE_OPTIONS);
    if (tx.inputsLength === 0 || tx.outputsLength === 0) throw new Error('no inputs or no outputs');
    return tx;
  } catch (cause) {
    throw new BitcoinError('PSBT_MALFORMED', `The PSBT could not be parsed (${(cause as Error).message.slice(0, 120)}).`, { cause });
  }
}

export function encodePsbt(tx: Transaction): string {
  return base64.encode(tx.toPSBT(0));
}

// ---------------------------------------------------------------------------------------------
// Checks shared by describe, the signers and the co-signer's gate

type Derivation = [Uint8Array, { fingerprint: number; path: number[] }];

interface Claim {
  readonly branch: number;
  readonly index: number;
  /** Roles named by the PSBT, each with the pubkey it states. */
  readonly entries: readonly { role: number; pubkey: Uint8Array }[];
}

/**
 * Reads the one path an input/output claims. Every derivation entry must name one of our three
 * keys (fingerprint + account path) and they must all agree on branch/index; else `code`.
 */
function readClaim(derivations: Derivation[] | undefined, ctx: WalletContext, code: BitcoinErrorCode, where: string): Claim {
  if (!derivations?.length) throw new BitcoinError(code, `${where} has no BIP32 derivation of this wallet’s keys.`);
  const entries: { role: number; pubkey: Uint8Array }[] = [];
  let branch: number | undefined;
  let index: number | undefined;
  for (const [pubkey, { fingerprint, path }] of derivations) {
    const match = ctx.matchOrigin(fingerprint, path).find((m) => !entries.some((e) => e.role === m.role));
    if (!match) throw new BitcoinError(code, `${where} names a key that is not one of this wallet’s keys at its account path.`);
    if ((branch ?? match.branch) !== match.branch || (index ?? match.index) !== match.index) {
      throw new BitcoinError(code, `${where} names different paths for its keys.`);
    }
    branch = match.branch;
    index = match.index;
    entries.push({ role: match.role, pubkey });
  }
  return { branch: branch!, index: index!, entries };
}

/** Each stated pubkey must be the key the wallet derives for that role at the claimed path. */
function assertClaimedPubkeys(claim: Claim, keys: ClaimedKeys, code: BitcoinErrorCode, where: string): void {
  for (const { role, pubkey } of claim.entries) {
    if (!equalBytes(pubkey, keys.rolePubkeys[role]!)) throw new BitcoinError(code, `${where} states a public key that is not the wallet’s key at the claimed path.`);
  }
}

/**
 * Proves input `idx` spends a coin of this wallet: witnessUtxo present, its script equal to our
 * P2WSH at the claimed path, the witnessScript equal to our 2-of-3 script there.
 */
export function checkWalletInput(tx: Transaction, idx: number, wallet: WalletContext): WalletInput {
  const input = tx.getInput(idx);
  const where = `Input ${idx}`;
  if (!input.txid || input.index === undefined) throw new BitcoinError('PSBT_MALFORMED', `${where} has no outpoint.`);
  if (!input.witnessUtxo) throw new BitcoinError('MISSING_WITNESS_UTXO', `${where} has no witness UTXO.`);
  const claim = readClaim(input.bip32Derivation as Derivation[] | undefined, wallet, 'INPUT_NOT_OURS', where);
  if (claim.branch !== 0 && claim.branch !== 1) throw new BitcoinError('INPUT_NOT_OURS', `${where} claims branch ${claim.branch}, not receive (0) or change (1).`);
  const keys = wallet.keysAt(claim.branch, claim.index);
  assertClaimedPubkeys(claim, keys, 'INPUT_NOT_OURS', where);
  if (!equalBytes(input.witnessUtxo.script, hex.decode(keys.address.scriptPubKey))) {
    throw new BitcoinError('INPUT_NOT_OURS', `${where} spends a script that is not the wallet’s address ${claim.branch}/${claim.index}.`);
  }
  if (input.redeemScript) throw new BitcoinError('INPUT_NOT_OURS', `${where} has a redeem script; the wallet’s coins are native P2WSH.`);
  if (!input.witnessScript || !equalBytes(input.witnessScript, hex.decode(keys.address.witnessScript))) {
    throw new BitcoinError('WITNESS_SCRIPT_MISMATCH', `${where}’s witness script is not the wallet’s script at ${claim.branch}/${claim.index}.`);
  }
  return {
    txid: hex.encode(input.txid),
    vout: input.index,
    valueSats: input.witnessUtxo.amount,
    branch: claim.branch,
    index: claim.index,
    address: keys.address,
  };
}

/**
 * Change or not. An output without BIP32 derivations is a payment. An output with derivations
 * must be the wallet's own change exactly: all entries our keys at one path on branch 1, and
 * the output script equal to our recomputed P2WSH there — else CHANGE_WRONG_BRANCH / CHANGE_NOT_OURS.
 */
export function classifyOutput(tx: Transaction, idx: number, wallet: WalletContext): OutputKind {
  const output = tx.getOutput(idx);
  const where = `Output ${idx}`;
  const derivations = output.bip32Derivation as Derivation[] | undefined;
  if (!derivations?.length) return { isChange: false };
  const claim = readClaim(derivations, wallet, 'CHANGE_NOT_OURS', where);
  if (claim.branch !== 1) throw new BitcoinError('CHANGE_WRONG_BRANCH', `${where} claims path branch ${claim.branch}.`);
  const keys = wallet.keysAt(1, claim.index);
  assertClaimedPubkeys(claim, keys, 'CHANGE_NOT_OURS', where);
  if (!output.script || !equalBytes(output.script, hex.decode(keys.address.scriptPubKey))) {
    throw new BitcoinError('CHANGE_NOT_OURS', `${where} does not pay the wallet’s change address 1/${claim.index}.`);
  }
  if (output.witnessScript && !equalBytes(output.witnessScript, hex.decode(keys.address.witnessScript))) {
    throw new BitcoinError('CHANGE_NOT_OURS', `${where}’s witness script is not the wallet’s script at 1/${claim.index}.`);
  }
  return { isChange: true, changeIndex: claim.index };
}

/** SIGHASH_ALL only: the input's requested type (if any) and every signature already present. */
export function assertSighashAll(tx: Transaction, idx: number): void {
  const input = tx.getInput(idx);
  if (input.sighashType !== undefined && input.sighashType !== SigHash.ALL) {
    throw new BitcoinError('SIGHASH_NOT_ALL', `Input ${idx} asks for sighash type ${input.sighashType}.`);
  }
  for (const [, signature] of input.partialSig ?? []) {
    if (signature.at(-1) !== SigHash.ALL) throw new BitcoinError('SIGHASH_NOT_ALL', `Input ${idx} carries a signature with sighash type ${signature.at(-1)}.`);
  }
}

/**
 * Verifies every partial signature of input `idx` (BIP143 digest, SIGHASH_ALL, DER low-S) by a
 * key of `witnessScript`; throws INVALID_SIGNATURE on the first bad one. Returns how many there are.
 */
export function countValidSignatures(tx: Transaction, idx: number, witnessScript: Uint8Array, amount: bigint): number {
  const scriptKeys = multisigKeys(witnessScript);
  const partial = tx.getInput(idx).partialSig ?? [];
  if (partial.length === 0) return 0;
  const digest = tx.preimageWitnessV0(idx, witnessScript, SigHash.ALL, amount);
  for (const [pubkey, signature] of partial) {
    if (!scriptKeys.some((k) => equalBytes(k, pubkey))) throw new BitcoinError('INVALID_SIGNATURE', `Input ${idx} has a signature by a key outside its script.`);
    if (signature.at(-1) !== SigHash.ALL) throw new BitcoinError('SIGHASH_NOT_ALL', `Input ${idx} carries a signature with sighash type ${signature.at(-1)}.`);
    let ok = false;
    try {
      ok = secp256k1.verify(signature.subarray(0, -1), digest, pubkey, { prehash: false, format: 'der', lowS: true });
    } catch {
      ok = false;
    }
    if (!ok) throw new BitcoinError('INVALID_SIGNATURE', `Input ${idx} has a signature that does not verify.`);
  }
  return partial.length;
}

/** The three keys of a 2-of-3 CHECKMULTISIG witness script; WITNESS_SCRIPT_MISMATCH for anything else. */
function multisigKeys(witnessScript: Uint8Array): Uint8Array[] {
  const decoded = decodeOutScript(witnessScript);
  if (decoded?.type !== 'ms' || decoded.m !== THRESHOLD || decoded.pubkeys.length !== KEY_COUNT) {
    throw new BitcoinError('WITNESS_SCRIPT_MISMATCH', 'The witness script is not a 2-of-3 multisig script.');
  }
  return decoded.pubkeys;
}

function decodeOutScript(script: Uint8Array) {
  try {
    return OutScript.decode(script);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Describe

/** Checks and describes a whole PSBT of this wallet (all inputs ours, change recognised by recomputation). */
export function describeTransaction(tx: Transaction, wallet: WalletContext): PsbtDescription {
  const inputs = Array.from({ length: tx.inputsLength }, (_, i) => checkWalletInput(tx, i, wallet));
  const outpoints = new Set(inputs.map((i) => `${i.txid}:${i.vout}`));
  if (outpoints.size !== inputs.length) throw new BitcoinError('DUPLICATE_INPUT');
  const outputs = Array.from({ length: tx.outputsLength }, (_, i): DescribedOutput => {
    const { script, amount } = tx.getOutput(i);
    if (!script || amount === undefined) throw new BitcoinError('PSBT_MALFORMED', `Output ${i} has no script or amount.`);
    const kind = classifyOutput(tx, i, wallet);
    return {
      address: scriptToAddress(script, wallet.network),
      scriptHex: hex.encode(script),
      valueSats: amount,
      ...(kind.isChange ? { isChange: true, changeIndex: kind.changeIndex } : { isChange: false }),
    };
  });
  const totalIn = inputs.reduce((sum, i) => sum + i.valueSats, 0n);
  const totalOut = outputs.reduce((sum, o) => sum + o.valueSats, 0n);
  const feeSats = totalIn - totalOut;
  if (feeSats < 0n) throw new BitcoinError('FEE_NEGATIVE');
  const vsizeEstimate = weightToVsize(spendWeight(inputs.length, outputs.map((o) => o.scriptHex.length / 2)));
  return {
    inputs: inputs.map(({ address: _address, ...rest }) => rest),
    outputs,
    feeSats,
    vsizeEstimate,
    feeRate: Number((feeSats * 100n) / BigInt(vsizeEstimate)) / 100,
    version: tx.version,
    lockTime: tx.lockTime,
  };
}

/** What the browser shows before signing: inputs, outputs (change marked), fee, size, fee rate. */
export function describePsbt(psbtBase64: string, wallet: PsbtWallet): PsbtDescription {
  return describeTransaction(decodePsbt(psbtBase64), walletContext(wallet));
}

// ---------------------------------------------------------------------------------------------
// Signing

/** A private account key proven to be `role`'s key of this wallet. Call `wipe()` when done. */
export interface WalletSigner {
  readonly role: SignerRole;
  readonly account: HDKey;
  wipe(): void;
}

/**
 * Checks that `master` (a BIP32 master, depth 0) is `role`'s key of the wallet — same fingerprint,
 * and the account key at the origin path serializes to the origin's xpub — and keeps the private
 * account key for signing. The caller still owns (and wipes) `master`.
 */
export function openWalletSigner(master: HDKey, role: SignerRole, wallet: WalletContext): WalletSigner {
  const roleIndex = SIGNER_ROLE_INDEX[role];
  if (roleIndex === undefined) throw new TypeError(`unknown signer role: ${String(role)}`);
  const origin = wallet.origins[roleIndex];
  if (!master.privateKey || master.depth !== 0) throw new BitcoinError('KEY_NOT_IN_WALLET', 'A master private key (depth 0) is needed.');
  if (master.fingerprint !== wallet.fingerprintOf(roleIndex)) throw new BitcoinError('KEY_NOT_IN_WALLET', `This key’s fingerprint is not the ${role} key’s.`);
  const account = master.derive(origin.path);
  if (account.publicExtendedKey !== decodeExtendedKey(origin.xpub, wallet.network, 'public').publicExtendedKey) {
    account.wipePrivateData();
    throw new BitcoinError('KEY_NOT_IN_WALLET', `This key does not derive the wallet’s ${role} account key.`);
  }
  return { role, account, wipe: () => void account.wipePrivateData() };
}

/**
 * Signs input `idx` with `signer`'s child key, after checking: the input spends our coin with our
 * witness script (checkWalletInput), it asks for SIGHASH_ALL only, its derivations name this
 * key's fingerprint at our path, and the derived pubkey is one of the script's three keys.
 */
export function signInputWithKey(tx: Transaction, idx: number, signer: WalletSigner, wallet: WalletContext): void {
  const input = checkWalletInput(tx, idx, wallet);
  assertSighashAll(tx, idx);
  const roleIndex = SIGNER_ROLE_INDEX[signer.role];
  const expectedPath = wallet.pathOf(roleIndex, input.branch, input.index);
  const named = (tx.getInput(idx).bip32Derivation as Derivation[] | undefined)?.some(
    ([, d]) => d.fingerprint === wallet.fingerprintOf(roleIndex) && d.path.length === expectedPath.length && d.path.every((s, i) => s === expectedPath[i]),
  );
  if (!named) throw new BitcoinError('DERIVATION_MISSING', `Input ${idx} does not name the ${signer.role} key.`);
  const branchKey = signer.account.deriveChild(input.branch);
  const child = branchKey.deriveChild(input.index);
  const privateKey = child.privateKey;
  try {
    if (!privateKey || !input.address.pubkeys.includes(hex.encode(child.publicKey!))) {
      throw new BitcoinError('KEY_NOT_IN_SCRIPT', `Input ${idx}: the ${signer.role} key is not in its script.`);
    }
    tx.signIdx(privateKey, idx, [SigHash.ALL]);
  } finally {
    privateKey?.fill(0);
    child.wipePrivateData();
    branchKey.wipePrivateData();
  }
}

/**
 * The browser's signer: checks the whole PSBT (describeTransaction) and then signs each input,
 * one at a time, with Key #1 ('user') or Key #2 ('backup', recovery). `key` is the decrypted
 * master xprv/tprv (wiped here after use) or an HDKey master the caller owns and wipes.
 */
export function signPsbtWithKey(psbtBase64: string, key: string | HDKey, role: 'user' | 'backup', wallet: PsbtWallet): string {
  if (role !== 'user' && role !== 'backup') throw new TypeError("role must be 'user' or 'backup'");
  const ctx = walletContext(wallet);
  const tx = decodePsbt(psbtBase64);
  describeTransaction(tx, ctx);
  const master = typeof key === 'string' ? decodeExtendedKey(key, ctx.network, 'private') : key;
  try {
    const signer = openWalletSigner(master, role, ctx);
    try {
      for (let i = 0; i < tx.inputsLength; i++) signInputWithKey(tx, i, signer, ctx);
    } finally {
      signer.wipe();
    }
  } finally {
    if (typeof key === 'string') master.wipePrivateData();
  }
  return encodePsbt(tx);
}

// ---------------------------------------------------------------------------------------------
// Finalize

/**
 * BIP174 Input Finalizer + Transaction Extractor for 2-of-3 P2WSH inputs: each input must carry a
 * 2-of-3 witness script hashing to its coin's script and at least two partial signatures that
 * verify (SIGHASH_ALL); witness = [<empty>, sig, sig, witnessScript] in script key order.
 */
export function finalizeAndExtract(psbtBase64: string): { txHex: string; txid: string } {
  const tx = decodePsbt(psbtBase64);
  for (let i = 0; i < tx.inputsLength; i++) {
    const input = tx.getInput(i);
    if (!input.witnessUtxo) throw new BitcoinError('MISSING_WITNESS_UTXO', `Input ${i} has no witness UTXO.`);
    const script = input.witnessScript;
    const expectedOutput = script ? OutScript.encode({ type: 'wsh', hash: sha256(script) }) : undefined;
    if (!script || !expectedOutput || !equalBytes(expectedOutput, input.witnessUtxo.script)) {
      throw new BitcoinError('WITNESS_SCRIPT_MISMATCH', `Input ${i}’s witness script does not hash to the coin’s script.`);
    }
    assertSighashAll(tx, i);
    const valid = countValidSignatures(tx, i, script, input.witnessUtxo.amount);
    if (valid < THRESHOLD) throw new BitcoinError('NOT_ENOUGH_SIGNATURES', `Input ${i} has ${valid} of the ${THRESHOLD} signatures it needs.`);
  }
  if (tx.fee < 0n) throw new BitcoinError('FEE_NEGATIVE');
  try {
    tx.finalize();
    return { txHex: hex.encode(tx.extract()), txid: tx.id };
  } catch (cause) {
    throw new BitcoinError('PSBT_MALFORMED', `The transaction could not be finalized (${(cause as Error).message.slice(0, 120)}).`, { cause });
  }
}
