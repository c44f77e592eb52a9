'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ORG_ROLE_LABELS, ORG_ROLES, type OrgRole } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc/react';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { formatDateTime } from '@/components/ui/format';
import { InviteLink } from './InviteLink';

interface Member {
  userId: string;
  email: string;
  displayName: string;
  role: OrgRole;
  status: 'active' | 'deactivated';
  joinedAt: string;
  passkeyCount: number;
}

export function MemberRow({ member, isAdmin, isSelf }: { member: Member; isAdmin: boolean; isSelf: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<null | 'deactivate' | 'reenrol'>(null);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.invites.list.queryKey() }),
    ]);
  const changeRole = useMutation(trpc.members.changeRole.mutationOptions({ onSettled: refresh }));
  const deactivate = useMutation(trpc.members.deactivate.mutationOptions({ onSettled: refresh }));
  const reactivate = useMutation(trpc.members.reactivate.mutationOptions({ onSettled: refresh }));
  const reenrol = useMutation(trpc.invites.reenrol.mutationOptions({ onSettled: refresh }));
  const error = changeRole.error ?? deactivate.error ?? reactivate.error ?? reenrol.error;
  const inactive = member.status !== 'active';
  const roleSelectId = `role-${member.userId}`;

  return (
    <>
      <tr className={inactive ? 'row-inactive' : undefined} data-testid={`member-${member.email}`}>
        <td data-label="Name">
          <div>
            <div className="person">
              <strong>{member.displayName}</strong>
              {isSelf && <Badge>You</Badge>}
            </div>
            <div className="muted small break">{member.email}</div>
          </div>
        </td>
        <td data-label="Role">
          {isAdmin && !isSelf ? (
            <>
              <label htmlFor={roleSelectId} className="visually-hidden">
                Role of {member.displayName}
              </label>
              <select id={roleSelectId} value={member.role} disabled={changeRole.isPending} onChange={(e) => changeRole.mutate({ userId: member.userId, role: e.target.value as OrgRole })}>
                {ORG_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {ORG_ROLE_LABELS[r].label}
                  </option>
                ))}
              </select>
            </>
          ) : (
            ORG_ROLE_LABELS[member.role].label
          )}
        </td>
        <td data-label="Status">{inactive ? <Badge tone="bad">Deactivated</Badge> : <Badge tone="good">Active</Badge>}</td>
        <td data-label="Passkeys">{member.passkeyCount}</td>
        <td data-label="Joined">{formatDateTime(member.joinedAt)}</td>
        {isAdmin && (
          <td className="actions">
            {!isSelf && confirming === null && (
              <>
                {inactive ? (
                  <Button variant="secondary" className="btn-small" busy={reactivate.isPending} onClick={() => reactivate.mutate({ userId: member.userId })}>
                    Reactivate
                  </Button>
                ) : (
                  <Button variant="ghost" className="btn-small" onClick={() => setConfirming('deactivate')}>
                    Deactivate
                  </Button>
                )}
                <Button variant="ghost" className="btn-small" onClick={() => setConfirming('reenrol')}>
                  Re-enrol
                </Button>
              </>
            )}
            {confirming && (
              <span className="confirm">
                <span className="small">{confirming === 'deactivate' ? 'Deactivate and sign out?' : 'Replace all their passkeys?'}</span>
                <Button
                  variant="danger"
                  className="btn-small"
                  onClick={() => {
                    if (confirming === 'deactivate') deactivate.mutate({ userId: member.userId });
                    else reenrol.mutate({ userId: member.userId });
                    setConfirming(null);
                  }}
                >
                  Confirm
                </Button>
                <Button variant="ghost" className="btn-small" onClick={() => setConfirming(null)}>
                  Cancel
                </Button>
              </span>
            )}
          </td>
        )}
      </tr>
      {(error || reenrol.data) && (
        <tr>
          <td colSpan={isAdmin ? 6 : 5} className="row-detail">
            {error && <ErrorAlert error={error} title={`Could not update ${member.displayName}`} />}
            {reenrol.data && <InviteLink url={reenrol.data.url} expiresAt={reenrol.data.expiresAt} />}
          </td>
        </tr>
      )}
    </>
  );
}
