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
import { t } from '../../i18n';

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
      <PageTitle>{t('audit.tab.export')}</PageTitle>
      <p>{as_org ? t('export.intro_org', { seq, org: as_org }) : t('export.intro', { seq })}</p>
      <p>
        <button type="button" id="export-jsonl" disabled={busy} onClick={() => void start('jsonl')}>
          {t('export.jsonl')}
        </button>{' '}
        <button type="button" id="export-csv" disabled={busy} onClick={() => void start('csv')}>
          {t('impact.csv')}
        </button>{' '}
        {busy && (
          <button type="button" onClick={() => abort.current?.abort()}>
            {t('common.cancel')}
          </button>
        )}
      </p>
      <div aria-live="polite" id="export-status">
        {run.phase === 'running' && (
          <p>
            <progress max={run.total || 1} value={run.done} aria-label={t('export.progress_label')} />{' '}
            {t('export.progress', { done: run.done, total: run.total })}
          </p>
        )}
        {run.phase === 'done' && <p data-events={run.events}>{t('export.done', { n: run.events, bytes: run.bytes, file: run.file })}</p>}
        {run.phase === 'error' && <p role="alert">{t('export.error', { reason: run.message })}</p>}

      </div>
    </section>
  );
}
