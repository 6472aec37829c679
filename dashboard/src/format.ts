/** How times and counts read on the page. */

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTime = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** `14:03:07` in the viewer's zone. */
export function formatClock(value: string | number): string {
  return clock.format(new Date(value));
}

/** `Sun, Jun 1, 00:00` in the viewer's zone. */
export function formatDateTime(value: string | number): string {
  return dateTime.format(new Date(value));
}

/** `in 12 min`, `3 h ago`: the distance from now, rounded to what a person needs. */
export function formatRelative(value: string | number, nowMs = Date.now()): string {
  const deltaMs = new Date(value).getTime() - nowMs;
  const minutes = Math.round(Math.abs(deltaMs) / 60_000);
  const text =
    minutes < 1 ? 'under a minute' : minutes < 90 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
  return deltaMs >= 0 ? `in ${text}` : `${text} ago`;
}

/** `—` for an unknown number. */
export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : String(value);
}
