/** Reads what the server's error formatter put in `error.data` (server/trpc.ts). */
export interface ApiErrorView {
  message: string;
  appCode: string | null;
  fieldErrors: Record<string, string[]>;
}

export function apiErrorView(error: unknown): ApiErrorView | null {
  if (!error) return null;
  const data = (error as { data?: { userMessage?: string; appCode?: string | null; zodError?: { fieldErrors?: Record<string, string[]> } | null } }).data;
  if (data?.userMessage) {
    return { message: data.userMessage, appCode: data.appCode ?? null, fieldErrors: data.zodError?.fieldErrors ?? {} };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: /fetch|network/i.test(message) ? 'Cannot reach Keystead. Check your connection and try again.' : message, appCode: null, fieldErrors: {} };
}
