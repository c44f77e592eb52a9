'use client';
/**
 * The header's bell: polls the unread count every 15 s (one indexed count query; TanStack Query
 * pauses while the tab is hidden) and loads the recent notifications only when opened.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '@/lib/trpc/react';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';

const POLL_MS = 15_000;
const RECENT = 10;

/** Same rule as the server's: only in-app paths become links. */
const isAppPath = (link: string | null): link is string => !!link && link.startsWith('/') && !link.startsWith('//') && !link.startsWith('/\\');

export function NotificationBell() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const unread = useQuery({ ...trpc.notifications.unreadCount.queryOptions(), refetchInterval: POLL_MS });
  const count = unread.data?.count ?? 0;
  const recent = useQuery({ ...trpc.notifications.list.queryOptions({ limit: RECENT, unreadOnly: false }), enabled: open, staleTime: 0 });
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.notifications.unreadCount.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.notifications.list.queryKey() }),
    ]);
  const markRead = useMutation(trpc.notifications.markRead.mutationOptions({ onSettled: refresh }));

  // A new notification while the panel is open shows up without reopening it.
  const { refetch } = recent;
  const seenCount = useRef(count);
  useEffect(() => {
    if (open && count !== seenCount.current) void refetch();
    seenCount.current = count;
  }, [open, count, refetch]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    const onPointer = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  const label = count > 0 ? `Notifications, ${count} unread` : 'Notifications';
  return (
    <div className="bell" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="btn btn-ghost bell-button"
        aria-label={label}
        title={label}
        aria-expanded={open}
        aria-controls="notification-panel"
        onClick={() => setOpen(!open)}
      >
        <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {count > 0 && (
          <span className="bell-badge" aria-hidden="true" data-testid="notification-count">
            {count > 99 ? '99+' : count}
          </span>
        )}
      </button>
      {open && (
        <div id="notification-panel" className="bell-panel" role="region" aria-labelledby="notification-panel-title">
          <div className="bell-head">
            <h2 id="notification-panel-title">Notifications</h2>
            <Button variant="ghost" className="btn-small" disabled={count === 0} busy={markRead.isPending && 'all' in (markRead.variables ?? {})} onClick={() => markRead.mutate({ all: true })}>
              Mark all read
            </Button>
          </div>
          {recent.error && <ErrorAlert error={recent.error} title="Could not load notifications" />}
          {markRead.error && <ErrorAlert error={markRead.error} />}
          {recent.isPending && <p className="muted small">Loading…</p>}
          {recent.data?.length === 0 && <p className="muted small">No notifications yet.</p>}
          {recent.data && recent.data.length > 0 && (
            <ul className="list bell-list">
              {recent.data.map((n) => {
                const isUnread = n.readAt === null;
                const onOpen = () => {
                  if (isUnread) markRead.mutate({ ids: [n.id] });
                  setOpen(false);
                };
                return (
                  <li key={n.id} className={isUnread ? 'unread' : undefined}>
                    {isAppPath(n.link) ? (
                      <Link href={n.link} onClick={onOpen} className="bell-title">
                        {n.title}
                      </Link>
                    ) : (
                      <strong className="bell-title">{n.title}</strong>
                    )}
                    {isUnread && <span className="visually-hidden"> (unread)</span>}
                    {n.body && <span className="small">{n.body}</span>}
                    <span className="muted small">
                      {formatDateTime(n.createdAt)}
                      {isUnread && !isAppPath(n.link) && (
                        <>
                          {' · '}
                          <button type="button" className="link-button" onClick={() => markRead.mutate({ ids: [n.id] })}>
                            Mark read
                          </button>
                        </>
                      )}
                    </span>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
