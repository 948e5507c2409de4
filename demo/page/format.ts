/** Wall-clock time with milliseconds: transitions a few ms apart must stay apart. */
export function clockTime(epochMs: number): string {
  const time = new Date(epochMs);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`;
}

/** `4 s`, `2 m 05 s`, `1 h 03 m`. */
export function span(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} m ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} m`;
}

/** The first block of a UUID: enough to tell tabs apart at a glance. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
