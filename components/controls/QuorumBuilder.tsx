'use client';
/**
 * The quorum tree builder: each node is a fieldset (legend = its place in the tree) where the
 * person picks what it requires: k of the wallet approvers, all of / k of the conditions under it,
 * a person, k members of a group, or an API key.
 */
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { SelectField } from './fields';
import { emptyNode, fieldKey, nameIn, NODE_KINDS, type NodeForm, type NodeKind, type PolicyDirectory } from './policy-model';

interface Props {
  node: NodeForm;
  onChange: (node: NodeForm) => void;
  /** "Quorum “default”" for a root, "Condition 1.2" below it. */
  legend: string;
  /** Position below the root ("" for the root, "1", "1.2", …). */
  path: string;
  directory: PolicyDirectory;
  errorsFor: (key: string) => string[] | undefined;
}

export function QuorumNodeEditor({ node, onChange, legend, path, directory, errorsFor }: Props) {
  const composite = node.kind === 'and' || node.kind === 'threshold';
  const set = (patch: Partial<NodeForm>) => onChange({ ...node, ...patch });
  const setKind = (kind: NodeKind) => {
    const becomesComposite = (kind === 'and' || kind === 'threshold') && node.children.length === 0;
    set({ kind, k: node.k || '1', children: becomesComposite ? [emptyNode('user')] : node.children });
  };
  const setChild = (i: number, child: NodeForm) => set({ children: node.children.map((c, j) => (j === i ? child : c)) });
  const approvers = directory.walletApprovers.map((id) => nameIn(directory.users, id, 'person'));
  const group = directory.groups.find((g) => g.id === node.groupId);

  return (
    <fieldset className="node-editor">
      <legend>{legend}</legend>
      <div className="inline-form">
        <SelectField label="Requires" value={node.kind} onChange={(e) => setKind(e.target.value as NodeKind)} options={NODE_KINDS.map((k) => ({ value: k.kind, label: k.label }))} />
        {node.kind === 'wallet_approvers' && (
          <Field
            label="How many wallet approvers (k)"
            type="number"
            inputMode="numeric"
            min={1}
            value={node.k}
            onChange={(e) => set({ k: e.target.value })}
            hint={`The wallet has ${approvers.length} approver${approvers.length === 1 ? '' : 's'} now${approvers.length ? `: ${approvers.join(', ')}` : ''}.`}
            errors={errorsFor(fieldKey.node(node, 'k'))}
          />
        )}
        {node.kind === 'threshold' && (
          <Field
            label="How many of the conditions below (k)"
            type="number"
            inputMode="numeric"
            min={1}
            value={node.k}
            onChange={(e) => set({ k: e.target.value })}
            hint={`Out of ${node.children.length}.`}
            errors={errorsFor(fieldKey.node(node, 'k'))}
          />
        )}
        {node.kind === 'user' && (
          <SelectField
            label="Person"
            value={node.userId}
            placeholder="Choose a person"
            onChange={(e) => set({ userId: e.target.value })}
            options={withCurrent(directory.users, node.userId, 'person')}
            errors={errorsFor(fieldKey.node(node, 'who'))}
          />
        )}
        {node.kind === 'api_key' && (
          <SelectField
            label="API key"
            value={node.apiKeyId}
            placeholder={directory.apiKeys.length ? 'Choose an API key' : 'No active API keys'}
            onChange={(e) => set({ apiKeyId: e.target.value })}
            options={withCurrent(directory.apiKeys, node.apiKeyId, 'API key')}
            errors={errorsFor(fieldKey.node(node, 'who'))}
          />
        )}
        {node.kind === 'group' && (
          <>
            <SelectField
              label="Group"
              value={node.groupId}
              placeholder={directory.groups.length ? 'Choose a group' : 'No groups yet (Settings → Groups)'}
              onChange={(e) => set({ groupId: e.target.value })}
              options={withCurrent(directory.groups, node.groupId, 'group')}
              errors={errorsFor(fieldKey.node(node, 'who'))}
            />
            <Field
              label="How many members of the group (k)"
              type="number"
              inputMode="numeric"
              min={1}
              value={node.k}
              onChange={(e) => set({ k: e.target.value })}
              hint={group ? `The group lists ${group.size} member${group.size === 1 ? '' : 's'} (nested groups count their own members).` : undefined}
              errors={errorsFor(fieldKey.node(node, 'k'))}
            />
          </>
        )}
        <Field label="Label (optional)" value={node.label} maxLength={100} onChange={(e) => set({ label: e.target.value })} hint="Shown in explanations, e.g. “Department head”." />
      </div>
      {composite && (
        <>
          {errorsFor(fieldKey.node(node, 'children'))?.map((m) => (
            <p key={m} className="field-error">
              {m}
            </p>
          ))}
          <ol className="node-children">
            {node.children.map((child, i) => {
              const childPath = path ? `${path}.${i + 1}` : String(i + 1);
              return (
                <li key={child.key}>
                  <QuorumNodeEditor node={child} onChange={(c) => setChild(i, c)} legend={`Condition ${childPath}`} path={childPath} directory={directory} errorsFor={errorsFor} />
                  <Button variant="ghost" className="btn-small" onClick={() => set({ children: node.children.filter((_, j) => j !== i) })}>
                    Remove condition {childPath}
                    <span className="visually-hidden"> from {legend}</span>
                  </Button>
                </li>
              );
            })}
          </ol>
          <Button variant="secondary" className="btn-small" onClick={() => set({ children: [...node.children, emptyNode('user')] })}>
            Add a condition<span className="visually-hidden"> to {legend}</span>
          </Button>
        </>
      )}
    </fieldset>
  );
}

/** The directory's entries, plus the current id if the directory no longer has it (so the select shows it). */
function withCurrent(list: { id: string; name: string }[], current: string, what: string) {
  const options = list.map((x) => ({ value: x.id, label: x.name }));
  if (current && !list.some((x) => x.id === current)) options.push({ value: current, label: `Unknown ${what} ${current.slice(0, 8)}…` });
  return options;
}
