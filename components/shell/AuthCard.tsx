import Link from 'next/link';
import type { ReactNode } from 'react';
import { Logo } from './Logo';

export function AuthCard({ title, lead, children, footer }: { title: string; lead?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <main className="auth-page">
      <Link href="/" className="auth-logo">
        <Logo />
      </Link>
      <section className="card auth-card" aria-labelledby="auth-title">
        <h1 id="auth-title">{title}</h1>
        {lead && <p className="lead">{lead}</p>}
        {children}
      </section>
      {footer && <p className="auth-footer">{footer}</p>}
    </main>
  );
}
