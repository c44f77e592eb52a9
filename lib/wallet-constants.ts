/** Wallet vocabularies shared by server and UI (plain constants: no zod in the browser bundle). */
export const BITCOIN_NETWORKS = ['mainnet', 'testnet', 'regtest'] as const;
export type BitcoinNetworkName = (typeof BITCOIN_NETWORKS)[number];

export const WALLET_STATUSES = ['pending_keys', 'awaiting_keycard', 'active', 'archived'] as const;
export type WalletStatus = (typeof WALLET_STATUSES)[number];

export const WALLET_STATUS_LABELS: Record<WalletStatus, string> = {
  pending_keys: 'Setup not finished',
  awaiting_keycard: 'Key card not confirmed',
  active: 'Active',
  archived: 'Archived',
};

export const NETWORK_LABELS: Record<BitcoinNetworkName, string> = {
  mainnet: 'Bitcoin',
  testnet: 'Bitcoin testnet',
  regtest: 'Bitcoin regtest (local test chain)',
};
