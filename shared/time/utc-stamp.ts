/**
 * A UTC instant as a compact stamp for file names, artifact keys and table names
 * (`20261202T233000.123Z`): it sorts as time does, needs no quoting, and retention reads the age
 * of a file from its name rather than from its mtime, which a copy or restore changes.
 */

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z$/;

/** Matches one stamp, for embedding in a file-name pattern. */
export const UTC_STAMP_PATTERN = String.raw`\d{8}T\d{6}\.\d{3}Z`;

export function formatUtcStamp(utcMs: number): string {
  const iso = new Date(utcMs).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}.${iso.slice(20, 23)}Z`;
}

/** The instant of a stamp, or null when the text is not a real one (a 13th month, a 25th hour). */
export function parseUtcStamp(stamp: string): number | null {
  const match = STAMP.exec(stamp);
  if (match === null) return null;
  const [year, month, day, hour, minute, second, ms] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  return formatUtcStamp(utcMs) === stamp ? utcMs : null;
}
