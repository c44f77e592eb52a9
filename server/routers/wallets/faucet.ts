import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { p2wpkh } from '@scure/btc-signer';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { appendAudit } from '../../services/audit';
import { receiveAddresses } from '../../services/wallets';
import { syncWallet } from '../../services/wallet-sync';
import { walletProcedure } from '../../trpc';

/**
 * Development faucet (regtest only): mines one block paying the wallet's newest receive address,
 * then 100 more so the coinbase matures and the coins are spendable.
 */
export const faucet = walletProcedure('approver', 'initiator')
  .output(z.object({ address: z.string(), blocks: z.number().int() }))
  .mutation(async ({ ctx }) => {
    const chain = await ctx.getChain();
    if (ctx.wallet.network !== 'regtest' || chain.network !== 'regtest' || !chain.mine) throw new AppError('FAUCET_UNAVAILABLE');
    if (ctx.wallet.status !== 'active') throw new AppError('WALLET_STATE', 'wallet not active');
    const address = (await receiveAddresses(ctx.db, ctx.wallet.id)).at(-1)?.address;
    if (!address) throw new AppError('WALLET_STATE', 'no receive address');
    await chain.mine(1, address);
    await chain.mine(100, regtestSinkAddress());
    await syncWallet(ctx.db, chain, ctx.wallet);
    await ctx.db.transaction((tx) =>
      appendAudit(tx, { orgId: ctx.session.orgId, actorUserId: ctx.session.userId, type: 'wallet.faucet', payload: { walletId: ctx.wallet.id, address, blocks: 101 } }),
    );
    return { address, blocks: 101 };
  });

/** Where the maturity blocks' coinbases go: a fixed regtest key nobody here uses. */
function regtestSinkAddress(): string {
  const pub = secp256k1.getPublicKey(sha256(utf8ToBytes('keystead regtest faucet sink')), true);
  return p2wpkh(pub, { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef }).address!;
}
