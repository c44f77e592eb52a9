/**
 * Crash points for fault-injection tests. KEYSTEAD_CRASH_AT names one point; when the server
 * reaches it, the process dies on the spot with SIGKILL (no finally blocks, no flushed buffers,
 * no graceful shutdown), exactly like `kill -9` at that instant. The points sit right after a
 * state change is committed and before its side effect, where a crash hurts most.
 *
 * Never set in a real deployment: instrumentation.ts logs it loudly at start-up.
 */
export const CRASH_POINTS = [
  /** Co-signed transaction stored, not yet handed to the node. */
  'transfer.cosigned',
  /** The node accepted the transaction, its state is not yet recorded. */
  'transfer.broadcast_sent',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export function crashPoint(name: CrashPoint): void {
  if (process.env.KEYSTEAD_CRASH_AT !== name) return;
  process.stderr.write(`[keystead] crash point ${name} reached: SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
}
