/**
 * One CSV cell (RFC 4180 quoting). Text that a spreadsheet would run as a formula (= + - @, tab,
 * carriage return first) is prefixed with a quote (CSV injection); numbers are written as they
 * are, so a negative count stays a number. Pure.
 */
export function csvCell(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  const text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
