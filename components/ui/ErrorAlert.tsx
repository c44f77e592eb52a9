'use client';
import { apiErrorView } from '@/lib/trpc/errors';
import { Alert } from './Alert';

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const view = apiErrorView(error);
  if (!view) return null;
  return (
    <Alert tone="error" title={title}>
      {view.message}
      {view.appCode && <span className="error-code"> ({view.appCode})</span>}
    </Alert>
  );
}
