import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/AppShell';
import { requirePageSession } from '@/server/page-session';

export const dynamic = 'force-dynamic';

export default async function WorkspaceLayout({ children }: { children: ReactNode }) {
  const session = await requirePageSession();
  return (
    <AppShell me={{ userId: session.userId, displayName: session.displayName, email: session.email, orgName: session.orgName, role: session.role }}>
      {children}
    </AppShell>
  );
}
