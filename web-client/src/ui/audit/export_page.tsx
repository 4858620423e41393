// Exports of the log as this reader may see it (withheld events as stubs, hidden comments
// redacted unless the reader is privileged), up to the seq in the URL: JSON Lines (each line
// exactly as /api/events served it, so a verifier of PROTOCOL.md section 6 checks the file)
// or CSV. Paged through /api/events with progress; the file is assembled in the browser and
// offered as a download.
import { useRef, useState } from 'preact/hooks';
import { event_pages } from '../../audit/api';
import { csv_header, csv_row } from '../../audit/export_format';
import { PageTitle } from '../components/common';
import type { At } from '../router';
import { download } from '../download';

type Format = 'jsonl' | 'csv';
type Run =
  | { phase: 'idle' }
  | { phase: 'running'; format: Format; done: number; total: number }
  | { phase: 'done'; format: Format; events: number; bytes: number; file: string }
  | { phase: 'error'; message: string };

export function ExportPage({ at }: { at: At }) {
  const { seq, as_org } = at;
  const [run, set_run] = useState<Run>({ phase: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const start = async (format: Format) => {
    abort.current?.abort();
    const ac = new AbortController();
    abort.current = ac;
    const parts: string[] = format === 'csv' ? [`${csv_header()}\r\n`] : [];
    let n = 0;
    set_run({ phase: 'running', format, done: 0, total: seq });
    try {
      outer: for await (const page of event_pages({ limit: 10000, signal: ac.signal, as_org })) {
        for (let i = 0; i < page.events.length; i++) {
          const e = page.events[i]!;
          if (e.seq > seq) break outer;
          parts.push(format === 'csv' ? `${csv_row(e)}\r\n` : `${page.raw[i]}\n`);
          n += 1;
        }
        set_run({ phase: 'running', format, done: n, total: seq });
      }
      const file = `a4p-events-1-${seq}${as_org ? `-as-${as_org}` : ''}.${format}`;
      const bytes = download(parts, format === 'csv' ? 'text/csv' : 'application/x-ndjson', file);
      set_run({ phase: 'done', format, events: n, bytes, file });
    } catch (e) {
      if (abort.current !== ac) return; // a newer export replaced this one
      set_run(ac.signal.aborted ? { phase: 'idle' } : { phase: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  };
  const busy = run.phase === 'running';
  return (
    <section>
      <PageTitle>Export</PageTitle>
      <p>
        Events 1 to {seq}, as {as_org ? `a member of ${as_org}` : 'you'} may see them: events withheld from you appear as stubs with their hash, so the
        chain can be checked across them.
      </p>
      <p>
        <button type="button" id="export-jsonl" disabled={busy} onClick={() => void start('jsonl')}>
          Download JSON Lines
        </button>{' '}
        <button type="button" id="export-csv" disabled={busy} onClick={() => void start('csv')}>
          Download CSV
        </button>{' '}
        {busy && (
          <button type="button" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        )}
      </p>
      <div aria-live="polite" id="export-status">
        {run.phase === 'running' && (
          <p>
            <progress max={run.total || 1} value={run.done} aria-label="Events exported" /> {run.done} of {run.total}{' '}
            events…
          </p>
        )}
        {run.phase === 'done' && (
          <p data-events={run.events}>
            Exported {run.events} events ({run.bytes} bytes) to {run.file}.
          </p>
        )}
        {run.phase === 'error' && <p role="alert">The export stopped: {run.message}</p>}
      </div>
    </section>
  );
}
