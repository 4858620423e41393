// Chain status: the server's own check of the whole log (/api/audit/verify: every hash and
// data_hash on disk), the latest signed checkpoint, and "Verify now", which walks the log as
// this reader (or the org in the URL) may see it (/api/events) and recomputes the chain in the
// browser with progress, up to the seq in the URL, then checks every signed checkpoint up to
// there: its Ed25519 signature and the chain's hash at its seq. Two independent checks: the
// server's code and this page's (src/audit/chain.ts, src/audit/checkpoints.ts).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Checkpoints, ServerVerify } from '../../audit/api';
import { checkpoints, event_pages, server_verify } from '../../audit/api';
import type { ChainStatus } from '../../audit/chain';
import { ChainChecker, web_sha256 } from '../../audit/chain';
import type { CheckpointResult } from '../../audit/checkpoints';
import { check_checkpoints, checkpoint_ok } from '../../audit/checkpoints';
import { PageTitle } from '../components/common';
import type { At } from '../router';
import { audit_href } from '../router';
import { readable_time } from './audit_view';
import { t } from '../../i18n';

type Run =
  | { phase: 'idle' }
  | { phase: 'running'; done: number; total: number }
  | { phase: 'done'; status: ChainStatus; cps: CheckpointResult[]; ms: number }
  | { phase: 'error'; message: string };

function ServerStatus({ v }: { v: ServerVerify | string | null }) {
  if (v === null) return <p role="status">{t('chain.asking')}</p>;
  if (typeof v === 'string') return <p role="alert">{t('chain.server_error', { reason: v })}</p>;
  return v.ok ? (
    <p id="server-chain" data-ok="true" data-head={v.head}>
      <strong>{t('chain.server_ok', { seq: v.head })}</strong>, {t('chain.head_hash')} <code class="hash">{v.hash}</code>
    </p>
  ) : (
    <p id="server-chain" data-ok="false" data-first-bad={v.first_bad_seq} role="alert">
      <strong>{t('chain.server_broken', { seq: v.first_bad_seq })}</strong>: {v.problem}
    </p>
  );
}

function LatestCheckpoint({ c }: { c: Checkpoints | string | null }) {
  if (c === null) return null;
  if (typeof c === 'string') return <p class="muted">{t('chain.no_checkpoints', { reason: c })}</p>;
  const last = c.checkpoints[c.checkpoints.length - 1];
  if (!last)
    return (
      <p class="muted" id="latest-checkpoint">
        {c.public_key ? t('chain.none_yet') : t('chain.none_yet_no_key')}
      </p>
    );
  return (
    <p id="latest-checkpoint" data-seq={last.seq}>
      <strong>{t('chain.latest', { seq: last.seq, time: readable_time(last.time) })}</strong>, {t('chain.hash')}{' '}
      <code class="hash">{last.hash}</code>, {t('chain.signed_by')} <code class="hash">{last.key}</code>{' '}
      <span class="muted">{t('chain.compare', { n: c.checkpoints.length })}</span>
    </p>
  );
}

function CheckpointLines({ cps }: { cps: CheckpointResult[] }) {
  const checked = cps.filter((r) => r.hash !== 'beyond');
  if (checked.length === 0) return <p class="muted">{t('chain.none_here')}</p>;
  const bad = checked.filter((r) => !checkpoint_ok(r));
  const unsigned = checked.filter((r) => r.signature === 'not checked').length;
  return (
    <div id="checkpoint-result" data-ok={bad.length === 0 ? 'true' : 'false'} data-count={checked.length}>
      <p>
        {bad.length === 0 ? (
          <strong>{t('chain.cps_ok', { n: checked.length, seq: checked[checked.length - 1]!.seq })}</strong>
        ) : (
          <strong>{t('chain.cps_bad', { n: bad.length })}</strong>
        )}
        {unsigned > 0 && <span class="muted"> {t('chain.no_ed25519')}</span>}
      </p>
      {bad.length > 0 && (
        <ul>
          {bad.map((r) => (
            <li key={r.seq}>
              {t('chain.bad_line', { seq: r.seq, time: readable_time(r.time), hash: r.hash, signature: r.signature })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Result({ run, at }: { run: Run; at: At }) {
  switch (run.phase) {
    case 'idle':
      return null;
    case 'running':
      return (
        <p>
          <progress id="verify-progress" max={run.total || 1} value={run.done} aria-label={t('chain.progress_label')} />{' '}
          {t('chain.progress', { done: run.done, total: run.total })}
        </p>
      );
    case 'error':
      return <p role="alert">{t('chain.error', { reason: run.message })}</p>;
    case 'done': {
      const st = run.status;
      return st.ok ? (
        <div id="verify-result" data-ok="true" data-seq={st.seq}>
          <p>
            <strong>{t('chain.intact', { seq: st.seq })}</strong>, {t('chain.hash')} <code class="hash">{st.hash}</code>.
          </p>
          <p class="muted">{t('chain.checked', { ms: Math.round(run.ms), data: st.data_checked, withheld: st.withheld })}</p>
          <CheckpointLines cps={run.cps} />
        </div>
      ) : (
        <div id="verify-result" data-ok="false" data-seq={st.first_bad_seq} role="alert">
          <p>
            <strong>{t('chain.broken', { seq: st.first_bad_seq })}</strong>: {st.problem}. {t('chain.last_good', { seq: st.seq })}{' '}
            (<a href={audit_href({ ...at, seq: st.seq })}>{t('chain.then')}</a>).
          </p>
        </div>
      );
    }
  }
}

export function ChainPage({ at }: { at: At }) {
  const { seq, as_org } = at;
  const [server, set_server] = useState<ServerVerify | string | null>(null);
  const [cps, set_cps] = useState<Checkpoints | string | null>(null);
  const [run, set_run] = useState<Run>({ phase: 'idle' });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => {
    void server_verify().then((r) => set_server(r.ok ? r.value : r.message));
    void checkpoints().then((r) => set_cps(r.ok ? r.value : r.message));
    return () => abort.current?.abort();
  }, []);
  const verify = async () => {
    abort.current?.abort();
    const ac = new AbortController();
    abort.current = ac;
    const t0 = performance.now();
    const signed = typeof cps === 'object' && cps ? cps : null;
    const checker = new ChainChecker(web_sha256, signed?.checkpoints.map((c) => c.seq) ?? []);
    set_run({ phase: 'running', done: 0, total: seq });
    try {
      const server_p = server_verify();
      outer: for await (const page of event_pages({ limit: 5000, signal: ac.signal, as_org })) {
        for (const e of page.events) {
          if (e.seq > seq) break outer;
          if (!(await checker.feed(e))) break outer;
        }
        set_run({ phase: 'running', done: checker.status.seq, total: seq });
      }
      const st = checker.status;
      const results = signed ? await check_checkpoints(signed.checkpoints, signed.public_key, checker.hashes_at, st.ok ? seq : 0) : [];
      const sv = await server_p;
      set_server(sv.ok ? sv.value : sv.message);
      set_run({ phase: 'done', status: st, cps: results, ms: performance.now() - t0 });
    } catch (e) {
      if (!ac.signal.aborted) set_run({ phase: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <section>
      <PageTitle>{t('audit.tab.chain')}</PageTitle>
      <ServerStatus v={server} />
      <LatestCheckpoint c={cps} />
      <p>
        <button type="button" id="verify-now" onClick={() => void verify()} disabled={run.phase === 'running'}>
          {t('chain.verify', { seq })}

        </button>
      </p>
      <div aria-live="polite">
        <Result run={run} at={at} />
      </div>
    </section>
  );
}
