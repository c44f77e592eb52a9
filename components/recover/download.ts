export { downloadFile as downloadText } from '@/components/ui/download';

/** The recovery library (jspdf-free until a PDF card is built; still large): loaded on first use. */
export const loadRecovery = () => import('@/lib/recovery');
export type RecoveryLib = Awaited<ReturnType<typeof loadRecovery>>;
