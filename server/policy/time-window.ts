/**
 * Business-hours windows (the `outsideHours` condition), evaluated in an IANA time zone with Intl so
 * that daylight-saving changes are handled by the runtime's tz database.
 *
 * A window is { days, start, end } in local wall-clock time:
 * - start < end (09:00–17:00): inside on day D when D ∈ days and start ≤ time < end.
 * - end ≤ start (22:00–06:00): crosses midnight. `days` are the days the window *starts* on: inside
 *   when (D ∈ days and time ≥ start) or (D − 1 ∈ days and time < end). Friday 22:00–06:00 covers
 *   Friday 22:00 to Saturday 05:59.
 * - end may be '24:00' (end of day); start = end is refused by the schema.
 * Times are compared to the minute (seconds ignored).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const SHORT_DAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** True when this runtime knows the IANA time zone. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalTime {
  /** 0 = Sunday … 6 = Saturday */
  day: number;
  /** Minutes since local midnight, 0..1439. */
  minutes: number;
}

/** Day of week and minute of day of `at` in `timeZone`. Throws RangeError on an unknown zone. */
export function localTime(at: Date, timeZone: string): LocalTime {
  let day = -1;
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type === 'weekday') day = SHORT_DAYS[part.value] ?? -1;
    else if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
  }
  if (day < 0) throw new RangeError(`could not read the weekday in ${timeZone}`);
  return { day, minutes: hour * 60 + minute };
}

export function parseHHMM(s: string): number {
  const [h, m] = s.split(':');
  return Number(h) * 60 + Number(m);
}

export function formatMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function insideWindow(t: LocalTime, window: { days: readonly number[]; start: string; end: string }): boolean {
  const start = parseHHMM(window.start);
  const end = parseHHMM(window.end);
  const has = (d: number) => window.days.includes(((d % 7) + 7) % 7);
  if (start < end) return has(t.day) && t.minutes >= start && t.minutes < end;
  return (has(t.day) && t.minutes >= start) || (has(t.day - 1) && t.minutes < end);
}

/** "Mon, Tue, Fri 22:00–06:00" */
export function describeWindow(window: { days: readonly number[]; start: string; end: string; timeZone: string }): string {
  const days = [...window.days].sort((a, b) => a - b).map((d) => WEEKDAYS[d]?.slice(0, 3) ?? String(d));
  return `${days.join(', ')} ${window.start}–${window.end} ${window.timeZone}`;
}
