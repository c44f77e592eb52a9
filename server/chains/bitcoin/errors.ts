/**
 * One coded error class for the Bitcoin chain adapter (STYLE.md §6). The message is "what
 * happened. what to do next"; `hint` is the second half alone. None of these is meant for end
 * users verbatim: services map BROADCAST_REJECTED to a user message built from `reason`, and the
 * rest to an internal error (log the ChainError; its `cause` holds the network/RPC error).
 */
export const CHAIN_ERRORS = {
  CONFIG_INVALID: 'Fix the BITCOIN_* variables named above (see server/chains/bitcoin/index.ts) and restart.',
  NODE_UNREACHABLE:
    'Check the node is running and BITCOIN_RPC_URL points at it. Development: `node scripts/bcoin-node.mjs --detach` prints the variables to export.',
  NODE_AUTH:
    'The node refused our credentials. bcoin: set BCOIN_API_KEY to its --api-key (bcoin-node.mjs prints it). Bitcoin Core: set BITCOIN_RPC_USER / BITCOIN_RPC_PASSWORD to an rpcauth entry.',
  NODE_MISCONFIGURED:
    'Start the node as scripts/bcoin-node.mjs does: bcoin needs --index-tx --index-address and, on leveldown 6, scripts/bcoin-leveldown-fix.cjs, or its address index stays empty.',
  NETWORK_MISMATCH: 'The node serves a different chain than BITCOIN_NETWORK. Point BITCOIN_RPC_URL at a node for the configured network.',
  INVALID_ADDRESS: 'Pass addresses in Bitcoin Core format for the configured network (bc1… / tb1… / bcrt1…), as lib/crypto derives them.',
  BROADCAST_REJECTED:
    'The node did not accept the transaction (see `reason`). Do not resend the same bytes: fix the cause (spent or missing inputs, signatures, fee) and build a new transaction.',
  TX_NOT_FOUND: 'The node knows no such transaction (neither in its mempool nor in the chain). Check the txid, or that it was broadcast to this node.',
  UNSUPPORTED: 'This operation is not available with this backend or network; see the message.',
  BAD_RESPONSE: 'The node answered with data this adapter does not understand. Check the node software and version (bcoin 1.0.2, Bitcoin Core 25 or later).',
  RPC_ERROR: 'The node reported an error (see `reason` and `rpcCode`). Check the node log.',
} as const;

export type ChainErrorCode = keyof typeof CHAIN_ERRORS;

export interface ChainErrorDetails {
  /** The node's own words: the reject reason for BROADCAST_REJECTED, the RPC message otherwise. */
  readonly reason?: string;
  /** JSON-RPC error code from the node, when there was one. */
  readonly rpcCode?: number;
  readonly cause?: unknown;
}

export class ChainError extends Error {
  override readonly name = 'ChainError';
  readonly code: ChainErrorCode;
  readonly hint: string;
  readonly reason?: string;
  readonly rpcCode?: number;

  constructor(code: ChainErrorCode, what: string, details: ChainErrorDetails = {}) {
    super(`${what} ${CHAIN_ERRORS[code]}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.hint = CHAIN_ERRORS[code];
    if (details.reason !== undefined) this.reason = details.reason;
    if (details.rpcCode !== undefined) this.rpcCode = details.rpcCode;
  }
}

export function isChainError(value: unknown, code?: ChainErrorCode): value is ChainError {
  return value instanceof ChainError && (code === undefined || value.code === code);
}
