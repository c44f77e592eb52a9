import type { ReactNode } from 'react';
import { Providers } from '@/lib/trpc/react';

/**
 * Every page that talks to the API gets tRPC + TanStack Query here. /recover is outside this
 * group on purpose: it works offline and never calls the API, so it does not ship the client.
 */
export default function AppLayout({ children }: { children: ReactNode }) {
  return <Providers>{children}</Providers>;
}
