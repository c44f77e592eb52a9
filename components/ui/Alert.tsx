import type { ReactNode } from 'react';

export function Alert({ tone = 'error', title, children }: { tone?: 'error' | 'success' | 'info' | 'warning'; title?: string; children: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {title && <strong className="alert-title">{title}</strong>}
      <div>{children}</div>
    </div>
  );
}
