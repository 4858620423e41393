// Pledge page: output and impact indicators side by side; the report history with evidence
// and attribution; comments; the edit form with its conflict view (their values beside
// yours, pick per field, resubmit on the new base_version); the progress report form.
import { HistoryLink } from '../components/history_link';
import { useState } from 'preact/hooks';
import type { Attribution, CommandArgs, CommandOutcome, Indicator, Pledge, RoomView, State } from '../../sync';
import { pledge_statuses } from '../../sync';
import { Comments } from '../components/comments';
import { IndicatorInputs, Notice, NotFound, PageTitle, Progress, StatusBadge, TextField } from '../components/common';
import { Opinions } from '../components/opinions';
import type { EditSpec } from '../components/versioned_edit';
import { show_value, VersionedEdit } from '../components/versioned_edit';
import { can_edit_pledge, org_name, person, safe_url, sorted_rounds, status_label, theme_name } from '../model';
import { content_lang, dir_of, fmt_date, fmt_datetime, fmt_percent, is_other_lang, lang, language_name, t, type MessageKey } from '../../i18n';
import { command } from '../store';
import { use_room } from '../use_room';
import { use_href, use_me, use_mode } from '../view_mode';

function IndicatorBox({ title, ind }: { title: string; ind: Indicator | null }) {
  return (
    <section class="card indicator" aria-label={title}>
      <h2>{title}</h2>
      {ind ? (
        <dl>
          <dt>{t('common.indicator')}</dt>
          <dd>{ind.indicator}</dd>
          <dt>{t('common.target')}</dt>
          <dd>{ind.target}</dd>
        </dl>
      ) : (
        <p class="muted">{t('pledge.no_impact')}</p>
      )}
    </section>
  );
}

// ---- editing (conflict resolution: components/versioned_edit.tsx) -------------------

type FieldKey = 'title' | 'description' | 'due' | 'output' | 'impact';
const field_labels: Record<FieldKey, MessageKey> = {
  title: 'field.title',
  description: 'field.description',
  due: 'field.due',
  output: 'common.output_indicator',
  impact: 'pledge.impact_indicator',
};
interface Draft {
  title: string;
  description: string;
  due: string;
  out_i: string;
  out_t: string;
  imp_i: string;
  imp_t: string;
}
function draft_of(p: Pledge): Draft {
  return {
    title: p.title,
    description: p.description ?? '',
    due: p.due ?? '',
    out_i: p.output?.indicator ?? '',
    out_t: p.output?.target ?? '',
    imp_i: p.impact?.indicator ?? '',
    imp_t: p.impact?.target ?? '',
  };
}
function values_of(d: Draft): Record<FieldKey, unknown> {
  return {
    title: d.title,
    description: d.description,
    due: d.due || null,
    output: { indicator: d.out_i, target: d.out_t },
    impact: d.imp_i || d.imp_t ? { indicator: d.imp_i, target: d.imp_t } : null,
  };
}
function show(v: unknown): string {
  if (v && typeof v === 'object') {
    const i = v as Partial<Indicator>;
    // The arrow points the way the text reads.
    return `${i.indicator ?? ''} ${dir_of(lang.value) === 'rtl' ? '←' : '→'} ${i.target ?? ''}`;

  }
  return show_value(v);
}

const pledge_edit: EditSpec<'pledge', Pledge, Draft, FieldKey> = {
  noun: 'pledge',
  labels: field_labels,
  draft_of,
  values_of,
};

function EditForm({ p, on_close }: { p: Pledge; on_close: () => void }) {
  return (
    <VersionedEdit {...pledge_edit} entity={p} show={show} on_close={on_close}>
      {(draft, up) => (
        <>
          <TextField id="ep-title" label={t('field.title')} required value={draft.title} on_input={up('title')} />
          <TextField id="ep-desc" label={t('field.description')} rows={3} value={draft.description} on_input={up('description')} />
          <div class="two-col">
            <IndicatorInputs prefix="ep-" impact_legend={t('pledge.impact_indicator')} d={draft} up={up} />
          </div>
          <label for="ep-due">{t('field.due')}</label>
          <input id="ep-due" type="date" value={draft.due} onInput={up('due')} />
        </>
      )}
    </VersionedEdit>
  );
}

// ---- progress reports ----------------------------------------------------------------

function ReportForm({ s, p }: { s: State; p: Pledge }) {
  const open_rounds = sorted_rounds(s).filter((r) => r.state === 'open');
  const [f, set_f] = useState({
    status: p.status,
    progress: String(p.progress),
    note: '',
    round: open_rounds[open_rounds.length - 1]?.id ?? '',
    evidence: '',
    impact_note: '',
    statement: '',
    preexisting: false,
    confidence: 'medium' as Attribution['confidence'],
  });
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  const up = (k: keyof typeof f) => (e: Event) => set_f({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <form
      class="stack"
      id="report-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const args: CommandArgs['pledge.report'] = {
          id: p.id,
          status: f.status,
          progress: Math.max(0, Math.min(100, Math.round(Number(f.progress) || 0))),
          note: f.note.trim(),
          lang: lang.value,
        };
        if (f.round) args.round = f.round;
        const evidence = f.evidence.split(/\s+/).map((x) => x.trim()).filter(Boolean);
        if (evidence.length) args.evidence = evidence;
        if (f.impact_note.trim()) args.impact_note = f.impact_note.trim();
        if (f.statement.trim())
          args.attribution = { statement: f.statement.trim(), preexisting: f.preexisting, confidence: f.confidence };
        set_outcome('sending');
        const o = await command('pledge.report', args);
        set_outcome(o);
        if (o.ok) set_f({ ...f, note: '', evidence: '', impact_note: '', statement: '' });
      }}
    >
      <h2>{t('report.h')}</h2>
      <div class="two-col">
        <div class="field">
          <label for="rp-status">{t('deliv.status')}</label>
          <select id="rp-status" value={f.status} onChange={up('status')}>
            {pledge_statuses.map((k) => (
              <option key={k} value={k}>
                {status_label(k)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="rp-progress">{t('report.progress')}</label>
          <input id="rp-progress" type="number" min={0} max={100} step={1} value={f.progress} onInput={up('progress')} />
        </div>
      </div>
      <label for="rp-round">{t('report.round')}</label>
      <select id="rp-round" value={f.round} onChange={up('round')}>
        <option value="">{t('report.no_round')}</option>
        {open_rounds.map((r) => (
          <option key={r.id} value={r.id}>
            {r.name}
          </option>
        ))}
      </select>
      <label for="rp-note">{t('report.note')}</label>
      <textarea id="rp-note" rows={2} required value={f.note} onInput={up('note')} />
      <label for="rp-evidence">{t('report.evidence')}</label>
      <textarea id="rp-evidence" rows={2} value={f.evidence} onInput={up('evidence')} />
      <label for="rp-impact">{t('report.impact')}</label>
      <textarea id="rp-impact" rows={2} value={f.impact_note} onInput={up('impact_note')} />
      <fieldset>
        <legend>{t('report.attribution')}</legend>
        <label for="rp-stmt">{t('report.statement')}</label>
        <input id="rp-stmt" value={f.statement} onInput={up('statement')} />
        <label class="radio">
          <input type="checkbox" checked={f.preexisting} onChange={(e) => set_f({ ...f, preexisting: e.currentTarget.checked })} />{' '}
          {t('report.preexisting')}
        </label>
        <label for="rp-conf">{t('report.confidence')}</label>
        <select id="rp-conf" value={f.confidence} onChange={up('confidence')}>
          <option value="low">{t('confidence.low')}</option>
          <option value="medium">{t('confidence.medium')}</option>
          <option value="high">{t('confidence.high')}</option>
        </select>
      </fieldset>
      <button type="submit">{t('report.submit')}</button>
      <Notice outcome={outcome} />
    </form>
  );
}

/** Earlier reports of a joined pledge room (light sessions), at the end of the newest-first list. */
function EarlierReports({ p, room }: { p: Pledge; room: RoomView | null }) {
  const { rooms } = use_mode();
  const total = p.report_count;
  return (
    <>
      {typeof total === 'number' && total > p.reports.length && <p class="muted">{t('report.shown_of', { n: p.reports.length, total })}</p>}
      {room?.loaded && room.reports_before !== null && (
        <p class="load-earlier">
          <button
            type="button"
            class="link-button"
            disabled={room.loading === 'reports'}
            aria-busy={room.loading === 'reports'}
            onClick={() => rooms.load_earlier(`pledge:${p.id}`, 'reports')}
          >
            {room.loading === 'reports' ? t('report.loading_earlier') : t('report.load_earlier')}
          </button>
        </p>
      )}
    </>
  );
}

function ReportHistory({ s, p }: { s: State; p: Pledge }) {
  if (p.reports.length === 0) return <p>{t('report.none')}</p>;
  return (
    <ol class="reports" reversed>
      {[...p.reports].reverse().map((r) => (
        <li key={r.seq} class="card">
          <p>
            <StatusBadge status={r.status} /> <strong>{fmt_percent(r.progress / 100)}</strong> ·{' '}
            {r.round ? s.rounds[r.round]?.name ?? r.round : t('report.no_round_lc')} · <time dateTime={r.ts}>{fmt_datetime(r.ts)}</time> ·{' '}
            {t('report.by', { person: person(s, r.by) })}
            {is_other_lang(r.lang) && r.lang && <span class="lang-mark"> · {language_name(r.lang)}</span>}
          </p>
          <p class="prose" {...content_lang(r.lang)}>
            {r.note}
          </p>
          {r.impact_note && (
            <p>
              <strong>{t('report.impact_label')}</strong>{' '}
              <span class="prose" {...content_lang(r.lang)}>
                {r.impact_note}
              </span>
            </p>
          )}
          {r.evidence && r.evidence.length > 0 && (
            <div>
              <strong>{t('report.evidence_label')}</strong>
              <ul>
                {r.evidence.map((u, i) => {
                  const safe = safe_url(u);
                  return (
                    <li key={i}>
                      {safe ? (
                        <a href={safe} rel="noopener noreferrer nofollow" target="_blank">
                          {u}
                        </a>
                      ) : (
                        <span>{u}</span>
                      )}
                    </li>
                  );
                })}
              </ul>
            </div>
          )}
          {r.attribution && (
            <p class="attribution">
              <strong>{t('report.attribution_label')}</strong>{' '}
              {t('report.attribution_text', {
                statement: r.attribution.statement,
                confidence: t(`confidence.${r.attribution.confidence}`),
                pre: r.attribution.preexisting ? 'yes' : 'no',
              })}
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}

/** Whether the pledge is on the public dashboard, and (for its organisation) the switch. */
function Publication({ p, can_edit }: { p: Pledge; can_edit: boolean }) {
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  const toggle = async () => {
    set_outcome('sending');
    set_outcome(await command(p.published ? 'pledge.withdraw_publication' : 'pledge.publish', { id: p.id }));
  };
  return (
    <div class="publication">
      <p>
        {p.published ? <a href={`/public/pledge/${encodeURIComponent(p.id)}`}>{t('pledge.public_yes')}</a> : t('pledge.public_no')}{' '}
        {can_edit && (
          <button type="button" id="publish-button" onClick={toggle}>
            {p.published ? t('pledge.withdraw_publication') : t('pledge.publish')}
          </button>
        )}
      </p>
      <Notice outcome={outcome} />
    </div>
  );
}

export function PledgeView({ s, id }: { s: State; id: string }) {
  const href = use_href();
  const user = use_me();
  const p = s.pledges[id];
  const [editing, set_editing] = useState(false);
  const room = use_room(`pledge:${id}`, !!p);
  if (!p) return <NotFound what={t('pledge.not_found', { id })} />;
  const can_edit = can_edit_pledge(user, p);
  const cm = p.commitment ? s.commitments[p.commitment] : undefined;
  return (
    <>
      <PageTitle>
        <span {...content_lang(p.lang)}>{p.title}</span>
      </PageTitle>
      <p class="meta">
        <strong>{org_name(s, p.org)}</strong> · {t('pledge.theme')} <a href={href.theme(p.theme)}>{theme_name(s, p.theme)}</a>
        {cm && (
          <>
            {' '}
            · {t('pledge.commitment', { number: cm.number, title: cm.title })}
          </>
        )}
        {p.due && <> · {t('actions.due', { date: fmt_date(p.due) })}</>} · {t('pledge.version')}{' '}
        <span id="pledge-version">{p.version}</span>
        {is_other_lang(p.lang) && p.lang && (
          <>
            {' '}
            · <span class="lang-mark" id="pledge-lang" data-lang={p.lang}>{t('pledge.written_in', { language: language_name(p.lang) })}</span>
          </>
        )}
        <HistoryLink entity={`pledge:${p.id}`} noun="pledge" name={p.title} />
      </p>
      <p>
        <StatusBadge status={p.status} /> <Progress value={p.progress} label={t('deliv.progress')} />
      </p>
      <p id="pledge-description" class="prose" {...content_lang(p.lang)}>
        {p.description}
      </p>
      <div class="two-col indicators">
        <IndicatorBox title={t('pledge.output')} ind={p.output} />
        <IndicatorBox title={t('pledge.impact')} ind={p.impact} />
      </div>
      <Publication p={p} can_edit={can_edit} />
      {/* An edit starts from the whole pledge: in a thin skeleton, once its room's page came. */}
      {can_edit &&
        p.description !== undefined &&
        (editing ? (
          <EditForm key={`edit-${p.id}`} p={p} on_close={() => set_editing(false)} />
        ) : (
          <p>
            <button type="button" id="edit-pledge-button" onClick={() => set_editing(true)}>
              {t('pledge.edit')}
            </button>
          </p>
        ))}
      <section aria-labelledby="history-h">
        <h2 id="history-h">{t('pledge.history')}</h2>

        <ReportHistory s={s} p={p} />
        <EarlierReports p={p} room={room} />
      </section>
      {can_edit && <ReportForm s={s} p={p} />}
      <Comments s={s} target={`pledge:${p.id}`} />
      <Opinions s={s} target={`pledge:${p.id}`} />
    </>
  );
}
