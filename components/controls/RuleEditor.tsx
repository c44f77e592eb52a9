'use client';
/** One policy rule: its conditions (all ticked ones must hold) and what happens then. */
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { CheckboxField, SelectField } from './fields';
import { btcToSatsString, DAY_NAMES, fieldKey, type ActionForm, type PolicyDirectory, type PrincipalRef, type RuleForm } from './policy-model';

/** "≈ 150000000 sats" under an amount, so the exact stored value is visible while typing. */
function satsHint(btc: string, text: string): string {
  if (!btc.trim()) return text;
  try {
    return `${text} = ${btcToSatsString(btc)} sats.`;
  } catch {
    return text;
  }
}

export function ActionPicker({ label, action, quorumNames, onChange, errors }: { label: string; action: ActionForm; quorumNames: string[]; onChange: (a: ActionForm) => void; errors?: string[] }) {
  const names = action.type === 'require' && !quorumNames.includes(action.quorum) ? [...quorumNames, action.quorum] : quorumNames;
  const value = action.type === 'require' ? `require:${action.quorum}` : action.type;
  return (
    <SelectField
      label={label}
      value={value}
      onChange={(e) => {
        const v = e.target.value;
        onChange(v.startsWith('require:') ? { type: 'require', quorum: v.slice('require:'.length) } : { type: v as 'allow' | 'deny', quorum: action.quorum });
      }}
      options={[
        ...names.map((n) => ({ value: `require:${n}`, label: `Require approval by quorum “${n}”${quorumNames.includes(n) ? '' : ' (no such quorum)'}` })),
        { value: 'allow', label: 'Allow without approval' },
        { value: 'deny', label: 'Deny' },
      ]}
      errors={errors}
    />
  );
}

interface Props {
  rule: RuleForm;
  index: number;
  quorumNames: string[];
  directory: PolicyDirectory;
  onChange: (rule: RuleForm) => void;
  onRemove: () => void;
  errorsFor: (key: string) => string[] | undefined;
}

export function RuleEditor({ rule, index, quorumNames, directory, onChange, onRemove, errorsFor }: Props) {
  const set = (patch: Partial<RuleForm>) => onChange({ ...rule, ...patch });
  const err = (f: Parameters<typeof fieldKey.rule>[1]) => errorsFor(fieldKey.rule(rule, f));
  const title = `Rule ${index + 1}${rule.id ? `: ${rule.id}` : ''}`;
  const refChecked = (ref: PrincipalRef) => rule.initiators.refs.some((r) => r.kind === ref.kind && r.id === ref.id);
  const toggleRef = (ref: PrincipalRef, on: boolean) =>
    set({ initiators: { ...rule.initiators, refs: on ? [...rule.initiators.refs, ref] : rule.initiators.refs.filter((r) => !(r.kind === ref.kind && r.id === ref.id)) } });
  const candidates: { ref: PrincipalRef; name: string }[] = [
    ...directory.users.map((u) => ({ ref: { kind: 'user', id: u.id } as PrincipalRef, name: u.name })),
    ...directory.groups.map((g) => ({ ref: { kind: 'group', id: g.id } as PrincipalRef, name: `Group ${g.name}` })),
    ...directory.apiKeys.map((k) => ({ ref: { kind: 'api_key', id: k.id } as PrincipalRef, name: `API key ${k.name}` })),
  ];

  return (
    <fieldset className="rule-editor">
      <legend>{title}</legend>
      <div className="inline-form">
        <Field label="Rule id" value={rule.id} maxLength={64} onChange={(e) => set({ id: e.target.value })} hint="Lower-case letters, digits, - or _; unique in the policy." errors={err('id')} />
        <Field label="Description (optional)" value={rule.description} maxLength={500} onChange={(e) => set({ description: e.target.value })} />
      </div>
      <fieldset className="sub-fieldset">
        <legend>When (every ticked condition must hold)</legend>
        <CheckboxField label="The amount sent is above a limit" checked={rule.amount.on} onChange={(e) => set({ amount: { ...rule.amount, on: e.target.checked } })} />
        {rule.amount.on && (
          <Field
            label="Amount above (BTC)"
            inputMode="decimal"
            autoComplete="off"
            value={rule.amount.btc}
            onChange={(e) => set({ amount: { ...rule.amount, btc: e.target.value } })}
            hint={satsHint(rule.amount.btc, 'Total of the payment’s outputs, change excluded.')}
            errors={err('amount')}
          />
        )}
        <CheckboxField label="Too much or too often within a time window" checked={rule.velocity.on} onChange={(e) => set({ velocity: { ...rule.velocity, on: e.target.checked } })} />
        {rule.velocity.on && (
          <div className="inline-form">
            <Field label="Time window (hours)" type="number" inputMode="numeric" min={1} max={2160} value={rule.velocity.windowHours} onChange={(e) => set({ velocity: { ...rule.velocity, windowHours: e.target.value } })} hint="1 to 2160 (90 days), ending now." errors={err('windowHours')} />
            <SelectField
              label="Counting"
              value={rule.velocity.scope}
              onChange={(e) => set({ velocity: { ...rule.velocity, scope: e.target.value as 'wallet' | 'initiator' } })}
              options={[
                { value: 'wallet', label: 'all payments of the wallet' },
                { value: 'initiator', label: 'the initiator’s own payments' },
              ]}
            />
            <Field
              label="Total above (BTC)"
              inputMode="decimal"
              autoComplete="off"
              value={rule.velocity.maxBtc}
              onChange={(e) => set({ velocity: { ...rule.velocity, maxBtc: e.target.value } })}
              hint={satsHint(rule.velocity.maxBtc, 'Including this payment. Leave empty for no amount limit.')}
              errors={err('maxBtc')}
            />
            <Field
              label="More payments than"
              type="number"
              inputMode="numeric"
              min={0}
              value={rule.velocity.maxCount}
              onChange={(e) => set({ velocity: { ...rule.velocity, maxCount: e.target.value } })}
              hint="Including this payment. Leave empty for no count limit."
              errors={err('maxCount')}
            />
            {err('velocity')?.map((m) => (
              <p key={m} className="field-error">
                {m}
              </p>
            ))}
          </div>
        )}
        <CheckboxField label="Outside business hours" checked={rule.hours.on} onChange={(e) => set({ hours: { ...rule.hours, on: e.target.checked } })} />
        {rule.hours.on && (
          <div className="stack">
            <div className="inline-form">
              <Field label="Time zone" value={rule.hours.timeZone} onChange={(e) => set({ hours: { ...rule.hours, timeZone: e.target.value } })} hint="IANA name, e.g. Europe/Zurich or America/New_York." errors={err('timeZone')} />
              <Field label="Business hours start (HH:MM)" value={rule.hours.start} placeholder="08:00" onChange={(e) => set({ hours: { ...rule.hours, start: e.target.value } })} errors={err('start')} />
              <Field label="Business hours end (HH:MM)" value={rule.hours.end} placeholder="18:00" onChange={(e) => set({ hours: { ...rule.hours, end: e.target.value } })} hint="24:00 for midnight; an end before the start crosses midnight." errors={err('end')} />
            </div>
            <fieldset className="sub-fieldset day-picker" aria-describedby={err('days') ? `days-${rule.key}` : undefined}>
              <legend>Business days (the day the window starts)</legend>
              {DAY_NAMES.map((day, d) => (
                <CheckboxField
                  key={day}
                  label={day}
                  checked={rule.hours.days.includes(d)}
                  onChange={(e) => set({ hours: { ...rule.hours, days: e.target.checked ? [...rule.hours.days, d] : rule.hours.days.filter((x) => x !== d) } })}
                />
              ))}
              {err('days') && (
                <p className="field-error" id={`days-${rule.key}`}>
                  {err('days')!.join(' ')}
                </p>
              )}
            </fieldset>
          </div>
        )}
        <CheckboxField label="Initiated by certain people, groups or API keys" checked={rule.initiators.on} onChange={(e) => set({ initiators: { ...rule.initiators, on: e.target.checked } })} />
        {rule.initiators.on && (
          <fieldset className="sub-fieldset principal-picker">
            <legend>Initiated by any of</legend>
            {candidates.map(({ ref, name }) => (
              <CheckboxField key={`${ref.kind}:${ref.id}`} label={name} checked={refChecked(ref)} onChange={(e) => toggleRef(ref, e.target.checked)} />
            ))}
            {err('initiators')?.map((m) => (
              <p key={m} className="field-error">
                {m}
              </p>
            ))}
          </fieldset>
        )}
      </fieldset>
      <ActionPicker label="Then" action={rule.action} quorumNames={quorumNames} onChange={(action) => set({ action })} errors={err('action')} />
      <div className="row-actions">
        <Button variant="ghost" className="btn-small" onClick={onRemove}>
          Remove rule {index + 1}
          <span className="visually-hidden"> ({rule.id})</span>
        </Button>
      </div>
    </fieldset>
  );
}
