/**
 * Bitcoin network parameters used by Keystead.
 * - BIP32 "Serialization format": version bytes 0x0488B21E/0x0488ADE4 (xpub/xprv, mainnet) and
 *   0x043587CF/0x04358394 (tpub/tprv, testnet; regtest reuses them, as Bitcoin Core does).
 * - BIP173: bech32 human-readable parts bc / tb / bcrt (regtest, Bitcoin Core chainparams).
 * - BIP48 + SLIP-44: coin type 0 on mainnet, 1 on every test network.
 */
import type { BTC_NETWORK } from '@scure/btc-signer/utils.js';
import type { Versions } from '@scure/bip32';

export const BITCOIN_NETWORKS = ['mainnet', 'testnet', 'regtest'] as const;
export type BitcoinNetwork = (typeof BITCOIN_NETWORKS)[number];

export interface NetworkParams {
  readonly network: BitcoinNetwork;
  /** BIP32 serialization versions (@scure/bip32 `Versions`). */
  readonly bip32: Readonly<Versions>;
  /** Prefixes of serialized extended keys, for error messages and quick checks. */
  readonly xpubPrefix: 'xpub' | 'tpub';
  readonly xprvPrefix: 'xprv' | 'tprv';
  /** BIP173 bech32 human-readable part. */
  readonly bech32: 'bc' | 'tb' | 'bcrt';
  /** SLIP-44 coin type used at BIP48 level 2. */
  readonly coinType: 0 | 1;
  /** The same parameters in @scure/btc-signer's shape (base58 bytes only matter for legacy types). */
  readonly btcSigner: Readonly<BTC_NETWORK>;
}

const MAINNET_BIP32: Versions = { public: 0x0488b21e, private: 0x0488ade4 };
const TESTNET_BIP32: Versions = { public: 0x043587cf, private: 0x04358394 };

const NETWORK_PARAMS: Readonly<Record<BitcoinNetwork, NetworkParams>> = {
  mainnet: {
    network: 'mainnet',
    bip32: MAINNET_BIP32,
    xpubPrefix: 'xpub',
    xprvPrefix: 'xprv',
    bech32: 'bc',
    coinType: 0,
    btcSigner: { bech32: 'bc', pubKeyHash: 0x00, scriptHash: 0x05, wif: 0x80 },
  },
  testnet: {
    network: 'testnet',
    bip32: TESTNET_BIP32,
    xpubPrefix: 'tpub',
    xprvPrefix: 'tprv',
    bech32: 'tb',
    coinType: 1,
    btcSigner: { bech32: 'tb', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef },
  },
  regtest: {
    network: 'regtest',
    bip32: TESTNET_BIP32,
    xpubPrefix: 'tpub',
    xprvPrefix: 'tprv',
    bech32: 'bcrt',
    coinType: 1,
    btcSigner: { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef },
  },
};

export function isBitcoinNetwork(value: unknown): value is BitcoinNetwork {
  return typeof value === 'string' && (BITCOIN_NETWORKS as readonly string[]).includes(value);
}

export function networkParams(network: BitcoinNetwork): NetworkParams {
  if (!isBitcoinNetwork(network)) throw new TypeError(`Unknown Bitcoin network: ${String(network)}`);
  return NETWORK_PARAMS[network];
}
