/** Saves `content` as a file through an object URL (no network). */
export function downloadText(filename: string, content: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The recovery library (jspdf-free until a PDF card is built; still large): loaded on first use. */
export const loadRecovery = () => import('@/lib/recovery');
export type RecoveryLib = Awaited<ReturnType<typeof loadRecovery>>;
