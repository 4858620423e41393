// Export formats of the audit view: JSON Lines (each line exactly as /api/events served it,
// so any verifier of PROTOCOL.md section 6 checks the file) and CSV (one row per event, the
// data as canonical JSON in the last column). Pure functions.
import type { LogLine } from './chain';
import { canonical_json } from './chain';

export const csv_columns = [
  'seq',
  'ts',
  'actor_user',
  'actor_org',
  'name',
  'entity',
  'withheld',
  'redacted',
  'data_hash',
  'hash',
  'data',
] as const;

/** RFC 4180 quoting; a cell a spreadsheet would run as a formula gets a leading `'`. */
export function csv_cell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csv_row(e: LogLine): string {
  const cells = [
    String(e.seq),
    e.ts ?? '',
    e.actor?.user ?? '',
    e.actor?.org ?? '',
    e.name ?? '',
    e.entity ?? '',
    e.withheld ? 'true' : 'false',
    e.redacted ? 'true' : 'false',
    e.data_hash ?? '',
    e.hash,
    e.data === undefined ? '' : canonical_json(e.data),
  ];
  return cells.map(csv_cell).join(',');
}

export const csv_header = () => csv_columns.join(',');
