'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc/react';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { useMe } from '@/components/shell/AppShell';
import { PageHeader } from '@/components/shell/PageHeader';
import { InviteForm } from './InviteForm';
import { MemberRow } from './MemberRow';
import { PendingInvites } from './PendingInvites';

export function MembersPage() {
  const trpc = useTRPC();
  const me = useMe();
  const members = useQuery(trpc.members.list.queryOptions());
  const isAdmin = me.role === 'admin';
  return (
    <>
      <PageHeader title="Members" lead="People in your organisation and what they may do." />
      {isAdmin && <InviteForm />}
      {isAdmin && <PendingInvites />}
      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        {members.error && <ErrorAlert error={members.error} title="Could not load members" />}
        {members.isPending && <p className="muted">Loading members…</p>}
        {members.data && (
          <div className="table-wrap">
            <table className="stack-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Passkeys</th>
                  <th scope="col">Joined</th>
                  {isAdmin && (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {members.data.map((m) => (
                  <MemberRow key={m.userId} member={m} isAdmin={isAdmin} isSelf={m.userId === me.userId} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
