'use client';
import { useId } from 'react';
import { EVENT_TYPE_LABELS, EVENT_TYPES, type EventType } from '@/lib/events';

/** test.ping is sent by the Test button only; it is not something to subscribe to. */
export const SUBSCRIBABLE: readonly EventType[] = EVENT_TYPES.filter((t) => t !== 'test.ping');

const GROUPS: { prefix: string; title: string }[] = [
  { prefix: 'transfer.', title: 'Transfers' },
  { prefix: 'governance.', title: 'Governance' },
  { prefix: 'wallet.', title: 'Wallets' },
  { prefix: 'policy.', title: 'Policies' },
];

/** Checkboxes for the event filter; none ticked means every event (including types added later). */
export function EventPicker({ value, onChange, disabled }: { value: readonly EventType[]; onChange: (next: EventType[]) => void; disabled?: boolean }) {
  const id = useId();
  const selected = new Set(value);
  const toggle = (type: EventType, on: boolean) => onChange(SUBSCRIBABLE.filter((t) => (t === type ? on : selected.has(t))));
  return (
    <fieldset className="event-picker" disabled={disabled} aria-describedby={`${id}-hint`}>
      <legend>Events</legend>
      <p className="field-hint" id={`${id}-hint`}>
        {selected.size === 0 ? 'No event ticked: this webhook receives every event, including types added later.' : `${selected.size} event type${selected.size === 1 ? '' : 's'} selected.`}{' '}
        {selected.size > 0 && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => onChange([])}>
            Receive all events
          </button>
        )}
      </p>
      <div className="event-groups">
        {GROUPS.map((group) => (
          <div key={group.prefix} className="event-group" role="group" aria-labelledby={`${id}-${group.prefix}`}>
            <p className="event-group-title" id={`${id}-${group.prefix}`}>
              {group.title}
            </p>
            {SUBSCRIBABLE.filter((t) => t.startsWith(group.prefix)).map((type) => (
              <label key={type} className="checkbox">
                <input type="checkbox" name="events" value={type} checked={selected.has(type)} onChange={(e) => toggle(type, e.target.checked)} />
                <span>
                  <code>{type}</code>
                  <span className="muted small event-label">{EVENT_TYPE_LABELS[type]}</span>
                </span>
              </label>
            ))}
          </div>
        ))}
      </div>
    </fieldset>
  );
}
