'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ORG_ROLE_LABELS, ORG_ROLES, type OrgRole } from '@/lib/roles';
import { apiErrorView } from '@/lib/trpc/errors';
import { useTRPC } from '@/lib/trpc/react';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { Field } from '@/components/ui/Field';
import { InviteLink } from './InviteLink';

export function InviteForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrgRole>('member');
  const create = useMutation(
    trpc.invites.create.mutationOptions({
      onSuccess: () => {
        setEmail('');
        return queryClient.invalidateQueries({ queryKey: trpc.invites.list.queryKey() });
      },
    }),
  );
  const fieldErrors = apiErrorView(create.error)?.fieldErrors ?? {};

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ email, role });
  }

  return (
    <section className="card" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite a member</h2>
      <form className="inline-form" onSubmit={onSubmit} noValidate>
        <Field label="Email" name="inviteEmail" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} errors={fieldErrors.email} required />
        <div className="field">
          <label htmlFor="invite-role">Role</label>
          <select id="invite-role" name="inviteRole" value={role} onChange={(e) => setRole(e.target.value as OrgRole)}>
            {ORG_ROLES.map((r) => (
              <option key={r} value={r}>
                {ORG_ROLE_LABELS[r].label}
              </option>
            ))}
          </select>
          <p className="field-hint">{ORG_ROLE_LABELS[role].description}</p>
        </div>
        <Button type="submit" busy={create.isPending} busyLabel="Creating link…">
          Create invite link
        </Button>
      </form>
      {create.error && Object.keys(fieldErrors).length === 0 && <ErrorAlert error={create.error} title="Could not create the invite" />}
      {create.data && <InviteLink url={create.data.url} expiresAt={create.data.expiresAt} />}
    </section>
  );
}
