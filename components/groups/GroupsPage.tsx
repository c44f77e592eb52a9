'use client';
/**
 * Organisation groups ("Operations managers", "API servers") that wallet policies name in their
 * quorums. Everyone sees them; admins create, edit and delete them. A change that would break a
 * wallet's active policy is refused by the server with the wallet and the reason.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { apiErrorView } from '@/lib/trpc/errors';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Badge } from '@/components/ui/Badge';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { Field } from '@/components/ui/Field';
import { useMe } from '@/components/shell/AppShell';
import { PageHeader } from '@/components/shell/PageHeader';
import { CheckboxField, TextAreaField } from '@/components/controls/fields';

type MemberKind = 'user' | 'api_key' | 'group';
interface Member {
  kind: MemberKind;
  id: string;
}
interface Group {
  id: string;
  name: string;
  description: string;
  members: Member[];
}

const same = (a: Member, b: Member) => a.kind === b.kind && a.id === b.id;

export function GroupsPage() {
  const trpc = useTRPC();
  const me = useMe();
  const isAdmin = me.role === 'admin';
  const queryClient = useQueryClient();
  const groups = useQuery(trpc.groups.list.queryOptions());
  const people = useQuery(trpc.members.list.queryOptions());
  const keys = useQuery({ ...trpc.apiKeys.list.queryOptions(), enabled: isAdmin });
  const remove = useMutation(trpc.groups.remove.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.groups.pathKey() }) }));
  const [editing, setEditing] = useState<Group | 'new' | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const deleteErrorRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const nameOf = (m: Member): string => {
    if (m.kind === 'user') return people.data?.find((p) => p.userId === m.id)?.displayName ?? 'Former member';
    if (m.kind === 'api_key') {
      const k = keys.data?.find((x) => x.id === m.id);
      return k ? `API key ${k.name}${k.status === 'active' ? '' : ` (${k.status})`}` : 'API key';
    }
    return `Group ${groups.data?.find((g) => g.id === m.id)?.name ?? '(deleted)'}`;
  };

  async function onDelete(g: Group) {
    setNotice(null);
    try {
      await remove.mutateAsync({ groupId: g.id });
      setNotice(`Group “${g.name}” was deleted.`);
    } catch {
      setTimeout(() => deleteErrorRef.current?.focus());
    } finally {
      setConfirmDelete(null);
    }
  }

  return (
    <>
      <PageHeader
        title="Groups"
        lead="Named sets of people, API keys and other groups. Wallet policies use them in quorums, e.g. “2 of Operations managers”."
        actions={
          isAdmin &&
          editing === null && (
            <Button onClick={() => { setNotice(null); setEditing('new'); }}>
              New group
            </Button>
          )
        }
      />
      {notice && (
        <div ref={noticeRef} tabIndex={-1}>
          <Alert tone="success">{notice}</Alert>
        </div>
      )}
      {keys.error && <ErrorAlert error={keys.error} title="Could not load the API keys" />}
      {editing !== null && people.data && (keys.data || !isAdmin || keys.error) && (
        <GroupForm
          group={editing === 'new' ? null : editing}
          groups={groups.data ?? []}
          people={(people.data ?? []).filter((p) => p.status === 'active').map((p) => ({ id: p.userId, name: `${p.displayName} (${p.email})` }))}
          apiKeys={(keys.data ?? []).filter((k) => k.status === 'active').map((k) => ({ id: k.id, name: k.name }))}
          onDone={(saved) => {
            setEditing(null);
            if (saved) setNotice(`Group “${saved}” was saved.`);
          }}
        />
      )}
      <section className="card" aria-labelledby="groups-title">
        <h2 id="groups-title">Groups</h2>
        {!isAdmin && <p className="small muted">Only admins change groups.</p>}
        {groups.error && <ErrorAlert error={groups.error} title="Could not load groups" />}
        {remove.error && (
          <div ref={deleteErrorRef} tabIndex={-1}>
            <ErrorAlert error={remove.error} title="Not deleted" />
          </div>
        )}
        {groups.data?.length === 0 && <p className="muted">No groups yet.</p>}
        {groups.data && groups.data.length > 0 && (
          <ul className="list">
            {groups.data.map((g) => (
              <li key={g.id} data-testid="group-row">
                <div className="list-row">
                  <div>
                    <strong>{g.name}</strong>
                    {g.description && <div className="small muted">{g.description}</div>}
                  </div>
                  <Badge>
                    {g.members.length} member{g.members.length === 1 ? '' : 's'}
                  </Badge>
                </div>
                <ul className="chip-list" aria-label={`Members of ${g.name}`}>
                  {g.members.map((m) => (
                    <li key={`${m.kind}:${m.id}`} className="chip">
                      {nameOf(m)}
                    </li>
                  ))}
                </ul>
                {isAdmin && (
                  <div className="row-actions">
                    {confirmDelete === g.id ? (
                      <span className="confirm" role="group" aria-label={`Confirm deleting ${g.name}`}>
                        <span className="small">Delete “{g.name}”? Policies that use it must be changed first.</span>
                        <Button variant="danger" className="btn-small" busy={remove.isPending} onClick={() => void onDelete(g)}>
                          Delete group
                        </Button>
                        <Button variant="ghost" className="btn-small" onClick={() => setConfirmDelete(null)}>
                          Keep
                        </Button>
                      </span>
                    ) : (
                      <>
                        <Button variant="secondary" className="btn-small" disabled={editing !== null} onClick={() => { setNotice(null); setEditing(g); }}>
                          Edit<span className="visually-hidden"> {g.name}</span>
                        </Button>
                        <Button variant="ghost" className="btn-small" onClick={() => setConfirmDelete(g.id)}>
                          Delete<span className="visually-hidden"> {g.name}</span>
                        </Button>
                      </>
                    )}
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function GroupForm({
  group,
  groups,
  people,
  apiKeys,
  onDone,
}: {
  group: Group | null;
  groups: Group[];
  people: { id: string; name: string }[];
  apiKeys: { id: string; name: string }[];
  onDone: (savedName: string | null) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const save = useMutation(trpc.groups.save.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.groups.pathKey() }) }));
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [members, setMembers] = useState<Member[]>(group?.members ?? []);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const fields = apiErrorView(save.error)?.fieldErrors ?? {};

  useEffect(() => headingRef.current?.focus(), []);

  const toggle = (m: Member, on: boolean) => setMembers(on ? [...members, m] : members.filter((x) => !same(x, m)));
  const picker = (legend: string, kind: MemberKind, list: { id: string; name: string }[], empty: string) => (
    <fieldset className="sub-fieldset principal-picker">
      <legend>{legend}</legend>
      {list.length === 0 && <p className="small muted">{empty}</p>}
      {list.map((x) => (
        <CheckboxField key={x.id} label={x.name} checked={members.some((m) => same(m, { kind, id: x.id }))} onChange={(e) => toggle({ kind, id: x.id }, e.target.checked)} />
      ))}
    </fieldset>
  );
  // Members that the pickers no longer list (a deactivated person, a revoked key) stay unless removed.
  const hidden = members.filter((m) => (m.kind === 'user' ? !people.some((p) => p.id === m.id) : m.kind === 'api_key' ? !apiKeys.some((k) => k.id === m.id) : !groups.some((g) => g.id === m.id)));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    try {
      await save.mutateAsync({ ...(group ? { groupId: group.id } : {}), name: name.trim(), description: description.trim(), members });
      onDone(name.trim());
    } catch {
      setTimeout(() => errorRef.current?.focus());
    }
  }

  return (
    <section className="card" aria-labelledby="group-form-title">
      <form className="stack" onSubmit={onSubmit} noValidate>
        <h2 id="group-form-title" ref={headingRef} tabIndex={-1}>
          {group ? `Edit group “${group.name}”` : 'New group'}
        </h2>
        <Field label="Group name" required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} errors={fields.name} />
        <TextAreaField label="Description (optional)" rows={2} maxLength={300} value={description} onChange={(e) => setDescription(e.target.value)} errors={fields.description} />
        {picker('People', 'user', people, 'No active members.')}
        {picker('API keys', 'api_key', apiKeys, 'No active API keys.')}
        {picker(
          'Other groups (their members count as members of this one)',
          'group',
          groups.filter((g) => g.id !== group?.id).map((g) => ({ id: g.id, name: g.name })),
          'No other groups.',
        )}
        {hidden.length > 0 && (
          <Alert tone="warning" title="Members no longer active">
            {hidden.length} member{hidden.length === 1 ? ' is' : 's are'} no longer active (deactivated, revoked or deleted).{' '}
            <Button variant="ghost" className="btn-small" onClick={() => setMembers(members.filter((m) => !hidden.includes(m)))}>
              Remove them from the group
            </Button>
          </Alert>
        )}
        <p className="small muted">
          {members.length} member{members.length === 1 ? '' : 's'} selected. A change that would leave a wallet’s policy impossible to meet (for example fewer members than a quorum needs) is refused.
        </p>
        {save.error && (
          <div ref={errorRef} tabIndex={-1}>
            <ErrorAlert error={save.error} title="Not saved" />
          </div>
        )}
        <div className="form-actions">
          <Button variant="ghost" onClick={() => onDone(null)}>
            Cancel
          </Button>
          <Button type="submit" busy={save.isPending} disabled={!name.trim()}>
            {group ? 'Save group' : 'Create group'}
          </Button>
        </div>
      </form>
    </section>
  );
}
