'use client';
/**
 * Proposing a new policy version. The form covers the common parts (self-approval, whitelist,
 * quorums as trees, rules, the default); "Advanced (JSON)" shows the exact document that will be
 * proposed and may be edited: the form follows the JSON whenever it can show it. What is proposed
 * is what was edited last: the form's document, or the JSON exactly as written.
 */
import { useMutation } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { Field } from '@/components/ui/Field';
import { CheckboxField, TextAreaField } from './fields';
import {
  documentJson,
  documentToForm,
  emptyNode,
  fieldKey,
  formToDocument,
  newKey,
  newRule,
  RULE_TYPES,
  type PolicyDirectory,
  type PolicyForm,
  type QuorumForm,
} from './policy-model';
import { QuorumNodeEditor } from './QuorumBuilder';
import { ActionPicker, RuleEditor } from './RuleEditor';

type Proposed = { id: string; payload: Record<string, unknown> };

interface Props {
  walletId: string;
  /** The active version's document: the starting point. */
  active: Record<string, unknown>;
  activeVersion: number;
  /** The number the new version will get. */
  nextVersion: number;
  directory: PolicyDirectory;
  onProposed: (request: Proposed) => void;
  onCancel: () => void;
}

export function PolicyEditor({ walletId, active, activeVersion, nextVersion, directory, onProposed, onCancel }: Props) {
  const trpc = useTRPC();
  const propose = useMutation(trpc.policies.propose.mutationOptions());
  const initial = useMemo(() => documentToForm(active), [active]);
  const [form, setFormState] = useState<PolicyForm>(() => initial.form ?? documentToForm({ schema: 'keystead.policy/1', quorums: { default: { kind: 'wallet_approvers', k: 1 } } }).form!);
  const [jsonOpen, setJsonOpen] = useState(!initial.form);
  const [jsonText, setJsonText] = useState(() => documentJson(active));
  /** What was edited last, and so what will be proposed. */
  const [source, setSource] = useState<'form' | 'json'>(initial.form ? 'form' : 'json');
  const [jsonNote, setJsonNote] = useState<string | null>(initial.reason ? `The form cannot show the active policy: ${initial.reason}.` : null);
  const [attempted, setAttempted] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => headingRef.current?.focus(), []);

  const built = useMemo(() => formToDocument(form), [form]);
  const formLocked = source === 'json' && jsonNote !== null;
  const shownJson = source === 'form' ? documentJson(built.document) : jsonText;
  const errorMap = useMemo(() => {
    const m = new Map<string, string[]>();
    if (attempted) for (const e of built.errors) m.set(e.key, [...(m.get(e.key) ?? []), e.message]);
    return m;
  }, [attempted, built.errors]);
  const errorsFor = (key: string) => errorMap.get(key);
  const quorumNames = form.quorums.map((q) => q.name.trim()).filter(Boolean);

  function setForm(next: PolicyForm) {
    setFormState(next);
    setSource('form');
    setJsonNote(null);
    propose.reset();
  }

  function onJsonChange(text: string) {
    setJsonText(text);
    setSource('json');
    propose.reset();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      setJsonNote(`This is not valid JSON yet (${(e as Error).message}). The form shows the last document it could read.`);
      return;
    }
    const read = documentToForm(parsed);
    if (read.form) {
      setFormState(read.form);
      setJsonNote(null);
    } else {
      setJsonNote(`The form cannot show this document (${read.reason}). It will be proposed exactly as written, and Keystead will say if anything is wrong.`);
    }
  }

  function toggleJson() {
    if (jsonOpen && source === 'json') {
      // Hiding the JSON returns to the form: its edits stay only where the form could show them.
      setSource('form');
      setJsonNote(null);
    }
    if (!jsonOpen) setJsonText(shownJson);
    setJsonOpen(!jsonOpen);
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setAttempted(true);
    setLocalError(null);
    let document: unknown;
    if (source === 'json') {
      try {
        document = JSON.parse(jsonText);
      } catch (e) {
        setLocalError(`The JSON is not valid: ${(e as Error).message}. Correct it, or hide the JSON to use the form.`);
        setTimeout(() => summaryRef.current?.focus());
        return;
      }
    } else {
      if (built.errors.length > 0) {
        setTimeout(() => summaryRef.current?.focus());
        return;
      }
      document = built.document;
    }
    try {
      const request = await propose.mutateAsync({ walletId, document });
      onProposed(request);
    } catch {
      setTimeout(() => errorRef.current?.focus());
    }
  }

  const updateQuorum = (i: number, q: QuorumForm) => setForm({ ...form, quorums: form.quorums.map((x, j) => (j === i ? q : x)) });
  const showSummary = (attempted && source === 'form' && built.errors.length > 0) || localError;

  return (
    <form className="stack policy-editor" onSubmit={onSubmit} noValidate aria-labelledby="policy-editor-title">
      <h3 id="policy-editor-title" ref={headingRef} tabIndex={-1}>
        Propose version {nextVersion}
      </h3>
      <p className="small muted">
        Starts from version {activeVersion}. Nothing changes until the quorum of the active policy approves the new version with their passkeys.
      </p>

      {showSummary && (
        <div ref={summaryRef} tabIndex={-1}>
          <Alert title="Not proposed yet: correct these first">
            {localError ? (
              <p>{localError}</p>
            ) : (
              <ul>
                {built.errors.map((e, i) => (
                  <li key={i}>{e.message}</li>
                ))}
              </ul>
            )}
          </Alert>
        </div>
      )}

      {formLocked && (
        <Alert tone="warning" title="The form is following the JSON">
          {jsonNote} Edit the JSON below, or hide it to continue in the form.
        </Alert>
      )}

      <fieldset className="policy-form" disabled={formLocked}>
        <legend className="visually-hidden">Policy form</legend>
        <fieldset className="sub-fieldset">
          <legend>Basics</legend>
          <CheckboxField
            label="The initiator may approve their own request (self-approval)"
            checked={form.allowSelfApproval}
            onChange={(e) => setForm({ ...form, allowSelfApproval: e.target.checked })}
            hint="Off: the approval of whoever initiated a transfer or proposed a change never counts."
          />
          <CheckboxField
            label="Only whitelisted destinations (whitelist required)"
            checked={form.whitelistRequired}
            onChange={(e) => setForm({ ...form, whitelistRequired: e.target.checked })}
            hint="Every destination must be a whitelist entry past its cooling-off period; anything else is denied."
          />
        </fieldset>

        <fieldset className="sub-fieldset">
          <legend>Quorums (who must approve)</legend>
          <p className="small muted">
            “default” applies unless a rule requires another quorum. A quorum named “governance”, if present, approves changes to this wallet’s controls.
          </p>
          {errorsFor('quorums')?.map((m) => (
            <p key={m} className="field-error">
              {m}
            </p>
          ))}
          {form.quorums.map((q, i) => (
            <div key={q.key} className="quorum-editor stack">
              {q.name === 'default' && i === 0 ? null : (
                <div className="inline-form">
                  <Field label={`Name of quorum ${i + 1}`} value={q.name} maxLength={64} onChange={(e) => updateQuorum(i, { ...q, name: e.target.value })} errors={errorsFor(fieldKey.quorumName(q))} />
                  <Button variant="ghost" className="btn-small" onClick={() => setForm({ ...form, quorums: form.quorums.filter((_, j) => j !== i) })}>
                    Remove quorum “{q.name}”
                  </Button>
                </div>
              )}
              <QuorumNodeEditor node={q.root} onChange={(root) => updateQuorum(i, { ...q, root })} legend={`Quorum “${q.name || `#${i + 1}`}”`} path="" directory={directory} errorsFor={errorsFor} />
            </div>
          ))}
          <div className="row-actions">
            <Button
              variant="secondary"
              className="btn-small"
              onClick={() => {
                let name = form.quorums.some((q) => q.name === 'governance') ? 'large' : 'governance';
                for (let n = 2; form.quorums.some((q) => q.name === name); n++) name = `large-${n}`;
                setForm({ ...form, quorums: [...form.quorums, { key: newKey(), name, root: emptyNode('wallet_approvers') }] });
              }}
            >
              Add a named quorum
            </Button>
          </div>
        </fieldset>

        <fieldset className="sub-fieldset">
          <legend>Rules</legend>
          <p className="small muted">Every rule is checked. Deny wins over everything; otherwise every quorum a matching rule requires must approve; a rule that allows skips approval only if no other matching rule requires one.</p>
          {form.rules.length === 0 && <p className="small">No rules: every transfer gets the action below.</p>}
          {form.rules.map((rule, i) => (
            <RuleEditor
              key={rule.key}
              rule={rule}
              index={i}
              quorumNames={quorumNames}
              directory={directory}
              errorsFor={errorsFor}
              onChange={(r) => setForm({ ...form, rules: form.rules.map((x, j) => (j === i ? r : x)) })}
              onRemove={() => setForm({ ...form, rules: form.rules.filter((_, j) => j !== i) })}
            />
          ))}
          <div className="row-actions">
            {RULE_TYPES.map((t) => (
              <Button key={t.type} variant="secondary" className="btn-small" onClick={() => setForm({ ...form, rules: [...form.rules, newRule(t.type, form.rules.map((r) => r.id))] })}>
                Add rule: {t.label.toLowerCase()}
              </Button>
            ))}
          </div>
        </fieldset>

        <fieldset className="sub-fieldset">
          <legend>When no rule matches</legend>
          <ActionPicker label="Otherwise" action={form.defaultAction} quorumNames={quorumNames} onChange={(defaultAction) => setForm({ ...form, defaultAction })} errors={errorsFor(fieldKey.defaultAction)} />
        </fieldset>
      </fieldset>

      <div>
        <Button variant="ghost" className="btn-small" aria-expanded={jsonOpen} aria-controls="policy-json" onClick={toggleJson}>
          {jsonOpen ? 'Hide advanced (JSON)' : 'Advanced (JSON)'}
        </Button>
      </div>
      {jsonOpen && (
        <div id="policy-json" className="stack">
          <TextAreaField
            label="Policy document (JSON)"
            className="mono json-editor"
            spellCheck={false}
            rows={Math.min(30, shownJson.split('\n').length + 1)}
            value={shownJson}
            onChange={(e) => onJsonChange(e.target.value)}
            hint={
              source === 'form'
                ? built.errors.length > 0
                  ? 'Follows the form. The form has problems (they are listed when you propose), so this is not yet a document Keystead would accept.'
                  : 'Exactly the document that will be proposed. Amounts are in sats. Editing it here updates the form.'
                : 'You edited the JSON: this text is what will be proposed.'
            }
          />
          {source === 'json' && jsonNote && !formLocked && <p className="field-hint">{jsonNote}</p>}
        </div>
      )}

      {propose.error && (
        <div ref={errorRef} tabIndex={-1}>
          <ErrorAlert error={propose.error} title="Not proposed" />
        </div>
      )}
      <div className="form-actions">
        <Button variant="ghost" onClick={onCancel}>
          Discard
        </Button>
        <Button type="submit" busy={propose.isPending} busyLabel="Proposing…">
          Propose version {nextVersion} for approval
        </Button>
      </div>
    </form>
  );
}
