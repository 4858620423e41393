// Small shared pieces: status badge, progress meter, command result notice, page heading
// that takes focus on navigation (so keyboard and screen-reader users land on the new view).
import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { CommandOutcome, PledgeStatus } from '../../sync';
import { status_label } from '../model';
import { focus_request } from '../router';

export function StatusBadge({ status }: { status: PledgeStatus }) {
  return <span class={`badge status-${status}`}>{status_label[status] ?? status}</span>;
}

export function Progress({ value, label }: { value: number; label: string }) {
  return (
    <span class="progress">
      <progress max={100} value={value} aria-label={label}>
        {value}%
      </progress>{' '}
      <span>{value}%</span>
    </span>
  );
}

export function PageTitle({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus_request.pending) {
      focus_request.pending = false;
      ref.current?.focus();
    }
    if (ref.current) document.title = `${ref.current.textContent ?? ''} · A4P Workspace`;
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref} id="page-title">
      {children}
    </h1>
  );
}

export function outcome_text(o: CommandOutcome): string {
  if (o.ok) return 'Saved.';
  const field = typeof o.details.field === 'string' ? ` (${o.details.field})` : '';
  return `Not saved: ${o.message || o.code}${field}.`;
}

// The end of an edit form: save and cancel buttons, then the command's result.
export function SaveOrCancel(props: {
  label: string;
  on_cancel: () => void;
  outcome: CommandOutcome | null | 'sending';
}) {
  return (
    <>
      <div>
        <button type="submit">{props.label}</button>{' '}
        <button type="button" onClick={props.on_cancel}>
          Cancel
        </button>
      </div>
      <Notice outcome={props.outcome} />
    </>
  );
}

export function Notice({ outcome }: { outcome: CommandOutcome | null | 'sending' }) {
  if (!outcome) return <p class="notice" role="status" aria-live="polite"></p>;
  if (outcome === 'sending')
    return (
      <p class="notice" role="status" aria-live="polite">
        Sending… (kept and resent if the connection drops)
      </p>
    );
  return (
    <p class={`notice ${outcome.ok ? 'ok' : 'err'}`} role="status" aria-live="polite">
      {outcome_text(outcome)}
    </p>
  );
}

export function Loading() {
  return <p role="status">Loading the workspace…</p>;
}

export function NotFound({ what }: { what: string }) {
  return (
    <section>
      <PageTitle>Not found</PageTitle>
      <p>{what} does not exist or is not visible to you.</p>
      <p>
        <a href="#/">Back to the overview</a>
      </p>
    </section>
  );
}
