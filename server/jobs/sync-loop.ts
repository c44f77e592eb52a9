/**
 * Background sync: every interval, advances sent transfers (re-broadcast after a crash,
 * confirmations) and brings each active wallet up to date. State lives in the
 * database (wallet_sync_state), so a restarted server simply carries on; runs never overlap.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { walletSyncState, wallets } from '@/db/schema';
import type { BitcoinChain } from '../chains/bitcoin/types';
import { expireGovernance } from '../services/governance';
import { expireRecoveries } from '../services/password-recovery';
import { advanceTransfers } from '../services/transfers';
import { syncWallet } from '../services/wallet-sync';

export interface SyncLoop {
  stop(): void;
  runOnce(): Promise<void>;
}

export function startSyncLoop(deps: { getDb: () => Promise<Db>; getChain: () => Promise<BitcoinChain>; intervalMs: number; log?: (msg: string) => void }): SyncLoop {
  let running: Promise<void> | null = null;
  let stopped = false;
  // A node that stays down would otherwise log the same line every interval.
  const lastLogged = new Map<string, string>();
  const rawLog = deps.log ?? ((msg: string) => console.warn(msg));
  const log = (msg: string, key = '') => {
    if (lastLogged.get(key) !== msg) rawLog(msg);
    lastLogged.set(key, msg);
  };

  async function runOnce() {
    const db = await deps.getDb();
    const chain = await deps.getChain();
    // Broadcasts interrupted by a crash, and confirmations of sent transfers.
    await advanceTransfers(db, chain).catch((error: unknown) => log(`[transfers] ${(error as Error).message}`, 'transfers'));
    await expireGovernance(db).catch((error: unknown) => log(`[governance] ${(error as Error).message}`, 'governance'));
    await expireRecoveries(db).catch((error: unknown) => log(`[recovery] ${(error as Error).message}`, 'recovery'));
    const active = await db.select().from(wallets).where(eq(wallets.status, 'active'));
    for (const wallet of active) {
      if (wallet.chain !== 'bitcoin' || wallet.network !== chain.network) continue;
      try {
        await syncWallet(db, chain, wallet);
      } catch (error) {
        const message = (error as Error).message.slice(0, 500);
        log(`[sync] wallet ${wallet.id}: ${message}`, wallet.id);
        await db
          .insert(walletSyncState)
          .values({ walletId: wallet.id, lastError: message })
          .onConflictDoUpdate({ target: walletSyncState.walletId, set: { lastError: message } });
      }
    }
  }

  const tick = () => {
    if (stopped || running) return;
    running = runOnce()
      .then(() => void lastLogged.delete(''))
      .catch((error: unknown) => log(`[sync] ${(error as Error).message}`))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, deps.intervalMs);
  timer.unref();
  tick();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
    runOnce,
  };
}
