// Small shared pieces: status badge, progress meter, command result notice, page heading
// that takes focus on navigation (so keyboard and screen-reader users land on the new view).
import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { CommandOutcome, PledgeStatus } from '../../sync';
import { status_label } from '../model';
import { focus_request } from '../router';
import { content_lang, is_other_lang, lang, language_name, t, t_maybe } from '../../i18n';


export function StatusBadge({ status }: { status: PledgeStatus }) {
  return <span class={`badge status-${status}`}>{status_label(status)}</span>;
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
    if (ref.current) document.title = t('common.doc_title', { page: ref.current.textContent ?? '' });
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref} id="page-title">
      {children}
    </h1>
  );
}

/** A reject code in words, translated from the code (never from the server's English message). */
export function reject_text(code: string): string {
  return t_maybe(`reject.${code}`) ?? t_maybe(`api.${code}`) ?? t('reject.other', { code });

}

export function outcome_text(o: CommandOutcome): string {
  if (o.ok) return t('common.saved');
  const reason = reject_text(o.code);
  return typeof o.details.field === 'string'
    ? t('common.not_saved_field', { reason, field: o.details.field })
    : t('common.not_saved', { reason });
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
          {t('common.cancel')}
        </button>
      </div>
      <Notice outcome={props.outcome} />
    </>
  );
}

/** A labelled text input (or textarea, with `rows`). */
export function TextField(props: {
  id: string;
  label: string;
  value: string;
  on_input: (e: Event) => void;
  required?: boolean;
  rows?: number;
}) {
  const { id, value, required } = props;
  return (
    <>
      <label for={id}>{props.label}</label>
      {props.rows ? (
        <textarea id={id} rows={props.rows} required={required} value={value} onInput={props.on_input} />
      ) : (
        <input id={id} required={required} value={value} onInput={props.on_input} />
      )}
    </>
  );
}

export interface IndicatorDraft {
  out_i: string;
  out_t: string;
  imp_i: string;
  imp_t: string;
}

/** The output (required) and impact (optional) indicator fieldsets of a pledge form; input ids
 * `<prefix>oi`, `<prefix>ot`, `<prefix>ii`, `<prefix>it`. */
export function IndicatorInputs(props: {
  prefix: string;
  impact_legend: string;
  d: IndicatorDraft;
  up: (k: keyof IndicatorDraft) => (e: Event) => void;
}) {
  const { prefix, d, up } = props;
  return (
    <>
      <IndicatorFields
        legend={t('common.output_indicator')}
        prefix={`${prefix}o`}
        required
        indicator={d.out_i}
        target={d.out_t}
        on_indicator={up('out_i')}
        on_target={up('out_t')}
      />
      <IndicatorFields
        legend={props.impact_legend}
        prefix={`${prefix}i`}
        indicator={d.imp_i}
        target={d.imp_t}
        on_indicator={up('imp_i')}
        on_target={up('imp_t')}
      />
    </>
  );
}

/** An indicator's two inputs in a fieldset; their ids are `<prefix>i` and `<prefix>t`. */
function IndicatorFields(props: {
  legend: string;
  prefix: string;
  indicator: string;
  target: string;
  required?: boolean;
  on_indicator: (e: Event) => void;
  on_target: (e: Event) => void;
}) {
  const { prefix, required } = props;
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      <label for={`${prefix}i`}>{t('common.indicator')}</label>
      <input id={`${prefix}i`} required={required} value={props.indicator} onInput={props.on_indicator} />
      <label for={`${prefix}t`}>{t('common.target')}</label>
      <input id={`${prefix}t`} required={required} value={props.target} onInput={props.on_target} />
    </fieldset>
  );
}

export function Notice({ outcome }: { outcome: CommandOutcome | null | 'sending' }) {
  if (!outcome) return <p class="notice" role="status" aria-live="polite"></p>;
  if (outcome === 'sending')
    return (
      <p class="notice" role="status" aria-live="polite">
        {t('common.sending')}
      </p>
    );
  return (
    <p class={`notice ${outcome.ok ? 'ok' : 'err'}`} role="status" aria-live="polite">
      {outcome_text(outcome)}
    </p>
  );
}

export function Loading() {
  return <p role="status">{t('common.loading')}</p>;
}

export function NotFound({ what }: { what: string }) {
  return (
    <section>
      <PageTitle>{t('common.not_found')}</PageTitle>
      <p>{t('common.not_found_text', { what })}</p>
      <p>
        <a href="#/">{t('common.back_overview')}</a>

      </p>
    </section>
  );
}

/** Text written by someone (an agenda, a pledge's description, a note), line breaks kept, with
 * its language tag: when it differs from the UI language it carries lang and dir and is marked
 * with the language's name. `inline` renders a span (titles). */
export function TaggedText({ text, tag, inline }: { text: string; tag?: string | null | undefined; inline?: boolean }) {
  const attrs = content_lang(tag);
  const mark = is_other_lang(tag) && tag ? (
    <span class="lang-mark" lang={lang.value} dir="auto">
      {' '}
      {t('common.in_language', { language: language_name(tag) })}
    </span>
  ) : null;
  if (inline)
    return (
      <>
        <span class="tagged" {...attrs}>
          {text}
        </span>
        {mark}
      </>
    );
  return (
    <div class="tagged-block">
      <p class="prose" {...attrs}>
        {text}
      </p>
      {mark}
    </div>
  );
}
