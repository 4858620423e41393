// Chain status: the server's own check of the whole log (/api/audit/verify: every hash and
// data_hash on disk), and "Verify now", which walks the log as this reader may see it
// (/api/events) and recomputes the chain in the browser with progress, up to the seq in
// the URL. Two independent checks: the server's code and this page's (src/audit/chain.ts).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ServerVerify } from '../../audit/api';
import { event_pages, server_verify } from '../../audit/api';
import type { ChainStatus } from '../../audit/chain';
import { ChainChecker, web_sha256 } from '../../audit/chain';
import { PageTitle } from '../components/common';
import { audit_href } from '../router';

type Run =
  | { phase: 'idle' }
  | { phase: 'running'; done: number; total: number }
  | { phase: 'done'; status: ChainStatus; server: ServerVerify | string; ms: number }
  | { phase: 'error'; message: string };

function ServerStatus({ v }: { v: ServerVerify | string | null }) {
  if (v === null) return <p role="status">Asking the server…</p>;
  if (typeof v === 'string') return <p role="alert">The server’s check could not run: {v}</p>;
  return v.ok ? (
    <p id="server-chain" data-ok="true" data-head={v.head}>
      <strong>Verified by the server up to seq {v.head}</strong>, head hash <code class="hash">{v.hash}</code>
    </p>
  ) : (
    <p id="server-chain" data-ok="false" data-first-bad={v.first_bad_seq} role="alert">
      <strong>The server found the chain broken at seq {v.first_bad_seq}</strong>: {v.problem}
    </p>
  );
}

function Result({ run }: { run: Run }) {
  switch (run.phase) {
    case 'idle':
      return null;
    case 'running':
      return (
        <p>
          <progress id="verify-progress" max={run.total || 1} value={run.done} aria-label="Events checked" />{' '}
          Checked {run.done} of {run.total} events…
        </p>
      );
    case 'error':
      return <p role="alert">The check could not finish: {run.message}</p>;
    case 'done': {
      const st = run.status;
      return st.ok ? (
        <div id="verify-result" data-ok="true" data-seq={st.seq}>
          <p>
            <strong>Chain intact up to seq {st.seq}</strong>, hash <code class="hash">{st.hash}</code>.
          </p>
          <p class="muted">
            Checked in this browser in {Math.round(run.ms)} ms: every hash link, {st.data_checked} data hashes
            recomputed; {st.withheld} events withheld from you (their hashes carried over and checked by the next
            event).
          </p>
          <ServerStatus v={run.server} />
        </div>
      ) : (
        <div id="verify-result" data-ok="false" data-seq={st.first_bad_seq} role="alert">
          <p>
            <strong>Chain broken at seq {st.first_bad_seq}</strong>: {st.problem}. The last good event is seq {st.seq}{' '}
            (<a href={audit_href(st.seq)}>the workspace then</a>).
          </p>
          <ServerStatus v={run.server} />
        </div>
      );
    }
  }
}

export function ChainPage({ seq }: { seq: number }) {
  const [server, set_server] = useState<ServerVerify | string | null>(null);
  const [run, set_run] = useState<Run>({ phase: 'idle' });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => {
    void server_verify().then((r) => set_server(r.ok ? r.value : r.message));
    return () => abort.current?.abort();
  }, []);
  const verify = async () => {
    abort.current?.abort();
    const ac = new AbortController();
    abort.current = ac;
    const t0 = performance.now();
    const checker = new ChainChecker(web_sha256);
    set_run({ phase: 'running', done: 0, total: seq });
    try {
      const server_p = server_verify();
      outer: for await (const page of event_pages({ limit: 5000, signal: ac.signal })) {
        for (const e of page.events) {
          if (e.seq > seq) break outer;
          if (!(await checker.feed(e))) break outer;
        }
        set_run({ phase: 'running', done: checker.status.seq, total: seq });
      }
      const sv = await server_p;
      set_server(sv.ok ? sv.value : sv.message);
      set_run({ phase: 'done', status: checker.status, server: sv.ok ? sv.value : sv.message, ms: performance.now() - t0 });
    } catch (e) {
      if (!ac.signal.aborted) set_run({ phase: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <section>
      <PageTitle>Chain status</PageTitle>
      <ServerStatus v={server} />
      <p>
        <button type="button" id="verify-now" onClick={() => void verify()} disabled={run.phase === 'running'}>
          Verify now, up to seq {seq}
        </button>
      </p>
      <div aria-live="polite">
        <Result run={run} />
      </div>
    </section>
  );
}
