/**
 * Runs once when the Next.js server starts: starts the background wallet sync and the webhook
 * delivery worker (WEBHOOKS_WORKER=off disables it), and opens the
 * co-signer so that a misconfigured HSM, or the software keystore's warning, shows at start-up
 * rather than at the first wallet.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if (process.env.KEYSTEAD_CRASH_AT) console.error(`[keystead] FAULT INJECTION ON: this server kills itself at ${process.env.KEYSTEAD_CRASH_AT} (KEYSTEAD_CRASH_AT). Never set it outside tests.`);
  if (process.env.BITCOIN_SYNC !== 'off') {
    const [{ startSyncLoop }, { getDb }, { getBitcoinChain }] = await Promise.all([
      import('./server/jobs/sync-loop'),
      import('./server/db'),
      import('./server/chain-instance'),
    ]);
    startSyncLoop({ getDb, getChain: getBitcoinChain, intervalMs: Number(process.env.BITCOIN_SYNC_INTERVAL_MS ?? 10_000) });
  }
  // Webhook deliveries (server/jobs/webhook-worker.ts): safe to run on every instance at once.
  if (process.env.WEBHOOKS_WORKER !== 'off') {
    const [{ startWebhookWorker }, { getDb }] = await Promise.all([import('./server/jobs/webhook-worker'), import('./server/db')]);
    startWebhookWorker({ getDb, intervalMs: Number(process.env.WEBHOOKS_WORKER_INTERVAL_MS ?? 5_000) });
  }
  const { getCoSigner } = await import('./server/cosigner-instance');
  try {
    const cosigner = await getCoSigner();
    console.log(`[keystead] co-signer ready (${cosigner.backend === 'pkcs11' ? 'PKCS#11 HSM' : 'software keystore'})`);
  } catch (error) {
    const cause = (error as { cause?: { message?: string; hint?: string } }).cause;
    console.error(`[keystead] CO-SIGNER UNAVAILABLE: ${cause?.message ?? (error as Error).message}${cause?.hint ? `\n  ${cause.hint}` : ''}`);
  }
}
