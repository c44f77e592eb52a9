import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Keystead', template: '%s · Keystead' },
  description: 'Provable self-custody for institutions: 2-of-3 multisig wallets with policy-controlled approvals.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#0f2a3d' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        {children}
      </body>
    </html>
  );
}
