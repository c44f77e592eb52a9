/** Dates shown to people: unambiguous, in their locale, with the UTC instant in the tooltip. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
