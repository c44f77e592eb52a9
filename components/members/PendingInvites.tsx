'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ORG_ROLE_LABELS } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc/react';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';

export function PendingInvites() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invites = useQuery(trpc.invites.list.queryOptions());
  const revoke = useMutation(
    trpc.invites.revoke.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.invites.list.queryKey() }) }),
  );
  if (invites.error) return <ErrorAlert error={invites.error} title="Could not load invites" />;
  if (!invites.data?.length) return null;
  return (
    <section className="card" aria-labelledby="pending-title">
      <h2 id="pending-title">Pending invites</h2>
      {revoke.error && <ErrorAlert error={revoke.error} title="Could not revoke" />}
      <div className="table-wrap">
        <table className="stack-table">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Kind</th>
              <th scope="col">Role</th>
              <th scope="col">Invited by</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invites.data.map((inv) => (
              <tr key={inv.id}>
                <td data-label="Email">{inv.email}</td>
                <td data-label="Kind">{inv.kind === 'reenrol' ? <Badge tone="warn">Re-enrolment</Badge> : <Badge>New member</Badge>}</td>
                <td data-label="Role">{ORG_ROLE_LABELS[inv.role].label}</td>
                <td data-label="Invited by">{inv.createdByName}</td>
                <td data-label="Expires">{formatDateTime(inv.expiresAt)}</td>
                <td className="actions">
                  <Button variant="ghost" className="btn-small" onClick={() => revoke.mutate({ inviteId: inv.id })} busy={revoke.isPending && revoke.variables?.inviteId === inv.id}>
                    Revoke
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
