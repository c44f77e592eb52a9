/**
 * A regtest 2-of-3 wallet for PSBT tests: Key #1 and Key #2 from fixed seeds, Key #3 made by a
 * real software-keystore CoSigner in a temporary directory, plus fake coins on its addresses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import { Transaction, type TxOpts } from '@scure/btc-signer';
import { createCoSigner, type CoSigner } from '@/server/cosigner';
import { deriveAddress, type AddressBranch } from '@/lib/crypto/address';
import { parseKeyOrigin, walletKeyFromSeed } from '@/lib/crypto/keys';
import type { BitcoinNetwork } from '@/lib/crypto/networks';
import type { PsbtWallet } from '@/lib/crypto/psbt';
import type { WalletUtxo } from '@/server/bitcoin/build-psbt';

export interface TestWallet {
  readonly wallet: PsbtWallet;
  readonly userXprv: string;
  readonly backupXprv: string;
  /** Wrapped Key #3 seed, as the wallets table stores it. */
  readonly cosignerWrapped: string;
}

export interface CoSignerHandle {
  readonly cosigner: CoSigner;
  close(): Promise<void>;
}

const silent = { warn: () => undefined };

export async function openTestCoSigner(): Promise<CoSignerHandle> {
  const dir = mkdtempSync(path.join(tmpdir(), 'keystead-psbt-'));
  const cosigner = await createCoSigner(
    { KEYSTEAD_COSIGNER: 'software', KEYSTEAD_SOFTWARE_KEYSTORE_DIR: dir, NODE_ENV: 'test' },
    { logger: silent },
  );
  return {
    cosigner,
    close: async () => {
      await cosigner.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function seedOf(label: string): Uint8Array {
  return sha256(new TextEncoder().encode(label));
}

export async function makeTestWallet(cosigner: CoSigner, network: BitcoinNetwork = 'regtest', label = 'keystead psbt'): Promise<TestWallet> {
  const user = walletKeyFromSeed(seedOf(`${label} user`), network);
  const backup = walletKeyFromSeed(seedOf(`${label} backup`), network);
  const key3 = await cosigner.createBitcoinKey(network);
  const origins = [user.origin, backup.origin, parseKeyOrigin(key3.origin, network)] as const;
  return { wallet: { origins, network }, userXprv: user.masterXprv, backupXprv: backup.masterXprv, cosignerWrapped: key3.wrapped };
}

/** A coin of the wallet at branch/index with a made-up (but fixed) funding txid. */
export function coinAt(wallet: PsbtWallet, branch: AddressBranch, index: number, valueSats: bigint, extra: Partial<WalletUtxo> = {}): WalletUtxo {
  const address = deriveAddress(wallet.origins, wallet.network, branch, index);
  return {
    txid: hex.encode(seedOf(`funding ${branch}/${index} ${valueSats}`)),
    vout: index % 3,
    valueSats,
    scriptPubKey: address.scriptPubKey,
    branch,
    index,
    confirmations: 6,
    ...extra,
  };
}

/** Options that let tests write PSBTs a careful builder never would. */
export const MUTATE_OPTIONS: TxOpts = { disableScriptCheck: true, allowUnknownOutputs: true, allowUnknownVersion: true };

export function mutatePsbt(psbtBase64: string, edit: (tx: Transaction) => void): string {
  const tx = Transaction.fromPSBT(Buffer.from(psbtBase64, 'base64'), MUTATE_OPTIONS);
  edit(tx);
  return Buffer.from(tx.toPSBT(0)).toString('base64');
}

/** The same inputs and outputs in a new unsigned transaction with another version / locktime. */
export function rebuildPsbt(psbtBase64: string, opts: { version?: number; lockTime?: number }): string {
  const source = Transaction.fromPSBT(Buffer.from(psbtBase64, 'base64'), MUTATE_OPTIONS);
  const tx = new Transaction({ ...MUTATE_OPTIONS, version: opts.version ?? source.version, lockTime: opts.lockTime ?? source.lockTime });
  for (let i = 0; i < source.inputsLength; i++) tx.addInput(source.getInput(i));
  for (let i = 0; i < source.outputsLength; i++) tx.addOutput(source.getOutput(i));
  return Buffer.from(tx.toPSBT(0)).toString('base64');
}
