'use client';
/** The number of requests waiting for my decision, beside "Approvals" in the main nav. */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc/react';

const POLL_MS = 30_000;

export function ApprovalsCount() {
  const trpc = useTRPC();
  const queue = useQuery({ ...trpc.approvals.queue.queryOptions(), refetchInterval: POLL_MS });
  const n = queue.data?.items.length ?? 0;
  if (n === 0) return null;
  return (
    <>
      <span className="nav-count" aria-hidden="true" data-testid="approvals-count">
        {n}
      </span>
      <span className="visually-hidden">, {n} waiting for you</span>
    </>
  );
}
