// Entity history: every change to one pledge, action, gap, commitment, discussion or comment
// up to the seq in the URL: who (user and organisation), when, and each field before and
// after; for a progress report, the report added. From /api/history, which applies the
// reader's visibility (a withheld event is not listed, a hidden comment's body is not shown
// to those who may not see it).
import { useEffect, useState } from 'preact/hooks';
import type { History, HistoryEvent } from '../../audit/api';
import { history } from '../../audit/api';
import type { State } from '../../sync';
import { Loading, PageTitle } from '../components/common';
import { show_value } from '../components/versioned_edit';
import type { At } from '../router';
import { audit_href } from '../router';
import { org_name } from '../model';
import { past_state } from './audit_store';
import { readable_time } from './audit_view';
import { t } from '../../i18n';

const kinds = ['pledge', 'action', 'gap', 'commitment', 'discussion', 'comment'] as const;

/** The entities one may pick at this seq, labelled by title (comments by id and author). */
function choices(s: State): [string, string][] {
  const out: [string, string][] = [];
  const item = (noun: string, id: string | number, title: string) => t('history.choice', { noun, id, title });
  for (const p of Object.values(s.pledges)) out.push([`pledge:${p.id}`, item('pledge', p.id, p.title)]);
  for (const a of Object.values(s.actions)) out.push([`action:${a.id}`, item('action', a.id, a.title)]);
  for (const g of Object.values(s.gaps)) out.push([`gap:${g.id}`, item('gap', g.id, g.title)]);
  for (const c of Object.values(s.commitments)) out.push([`commitment:${c.id}`, item('commitment', c.number, c.title)]);
  for (const d of Object.values(s.discussions)) out.push([`discussion:${d.id}`, item('discussion', d.id, d.title)]);
  for (const c of Object.values(s.comments)) out.push([`comment:${c.id}`, t('history.comment_choice', { id: c.id, author: c.author })]);
  return out;
}

function Picker({ at, entity }: { at: At; entity: string | null }) {
  const [list, set_list] = useState<[string, string][]>([]);
  const [value, set_value] = useState(entity ?? '');
  useEffect(() => {
    void past_state(at).then((r) => r.ok && set_list(choices(r.value)));
  }, [at.seq, at.as_org]);
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        const v = value.trim();
        if (v) location.hash = audit_href(at, 'history', v);
      }}
    >
      <label for="history-entity">{t('history.entity', { kinds: kinds.join(', ') })}</label>{' '}
      <input id="history-entity" list="history-entities" value={value} onInput={(e) => set_value(e.currentTarget.value)} />
      <datalist id="history-entities">
        {list.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </datalist>{' '}
      <button type="submit">{t('history.show')}</button>
    </form>
  );
}

function Value({ v }: { v: unknown }) {
  return <span class="diff-value">{show_value(v)}</span>;
}

function ReportAdded({ e }: { e: HistoryEvent }) {
  const d = e.data;
  const att = d.attribution as { statement?: string; preexisting?: boolean; confidence?: string } | null | undefined;
  const evidence = Array.isArray(d.evidence) ? (d.evidence as unknown[]).map(String) : [];
  return (
    <dl class="report-added">
      <dt>{t('deliv.status')}</dt>
      <dd>{show_value(d.status)}</dd>
      <dt>{t('deliv.progress')}</dt>
      <dd>{show_value(d.progress)}%</dd>
      <dt>{t('chart.round')}</dt>
      <dd>{show_value(d.round)}</dd>
      <dt>{t('deliv.note')}</dt>
      <dd>{show_value(d.note)}</dd>
      <dt>{t('history.evidence')}</dt>
      <dd>{evidence.length ? evidence.join(' ') : t('history.none')}</dd>
      <dt>{t('impact.note')}</dt>
      <dd>{show_value(d.impact_note)}</dd>
      <dt>{t('impact.attribution')}</dt>
      <dd>
        {att
          ? t('history.attribution', {
              statement: att.statement ?? '',
              pre: att.preexisting ? 'yes' : 'no',
              confidence: att.confidence ?? '',
            })
          : t('history.none')}
      </dd>
    </dl>
  );
}

/** The fields that changed, before and after; `reports` is shown as the report added instead. */
function Changes({ e }: { e: HistoryEvent }) {
  if (e.name === 'pledge.progress_reported') return <ReportAdded e={e} />;
  const rows = Object.entries(e.changes).filter(([k]) => k !== 'reports' && k !== 'version' && k !== 'updated_ts');
  if (rows.length === 0) return <p class="muted">{t('history.no_field')}</p>;
  return (
    <table class="diff">
      <caption class="visually-hidden">{t('history.caption', { seq: e.seq })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('edit.field')}</th>
          <th scope="col">{t('history.before')}</th>
          <th scope="col">{t('history.after')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([k, c]) => (
          <tr key={k} data-field={k}>
            <th scope="row">{k}</th>
            {'added' in c ? (
              <>
                <td class="diff-from">
                  {c.removed.length ? <Value v={t('history.removed', { items: c.removed.map(show_value).join(', ') })} /> : null}
                </td>
                <td class="diff-to">
                  {c.added.length ? <Value v={t('history.added', { items: c.added.map(show_value).join(', ') })} /> : null}
                </td>
              </>
            ) : (
              <>
                <td class="diff-from">
                  <Value v={c.from} />
                </td>
                <td class="diff-to">
                  <Value v={c.to} />
                </td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Entry({ e, s, entity, as_org }: { e: HistoryEvent; s: State | null; entity: string; as_org: string | null }) {
  const here = { seq: e.seq, as_org };
  const other = e.entity !== entity;
  return (
    <li class="history-entry" data-seq={e.seq} data-name={e.name}>
      <p>
        <strong>{e.name}</strong>
        {other && (
          <>
            {' '}
            (<a href={audit_href(here, 'history', e.entity)}>{e.entity}</a>)
          </>
        )}{' '}
        {t('history.by')} <span class="who-user">{e.actor.user}</span>
        {s?.users[e.actor.user]?.name ? <> · {s.users[e.actor.user]!.name}</> : null} (
        <span class="who-org">{s ? org_name(s, e.actor.org) : e.actor.org}</span>),{' '}
        <time dateTime={e.ts}>{readable_time(e.ts)}</time>, <a href={audit_href(here)}>{t('history.seq', { seq: e.seq })}</a>
        {e.redacted && <span class="muted"> · {t('history.redacted')}</span>}
      </p>
      {!other && <Changes e={e} />}
    </li>
  );
}

export function HistoryPage({ at, entity }: { at: At; entity: string | null }) {
  const { seq, as_org } = at;
  const [h, set_h] = useState<History | null>(null);
  const [error, set_error] = useState<string | null>(null);
  const [s, set_s] = useState<State | null>(null);
  useEffect(() => {
    set_h(null);
    set_error(null);
    if (!entity) return;
    void history(entity, seq, as_org).then((r) => (r.ok ? set_h(r.value) : set_error(r.message)));
  }, [entity, seq, as_org]);
  useEffect(() => {
    void past_state(at).then((r) => r.ok && set_s(r.value));
  }, [seq, as_org]);
  const events = h ? h.events.filter((e) => e.seq <= seq) : [];
  return (
    <section>
      <PageTitle>{entity ? t('history.title_of', { entity }) : t('history.title')}</PageTitle>
      <Picker at={at} entity={entity} />
      {!entity ? (
        <p>{t('history.pick')}</p>
      ) : error ? (
        <p role="alert">{t('history.error', { reason: error })}</p>
      ) : !h ? (
        <Loading />
      ) : events.length === 0 ? (
        <p>{t('history.empty', { entity, seq })}</p>
      ) : (
        <>
          <p class="muted">
            {h.events.length > events.length
              ? t('history.count_later', { n: events.length, seq, later: h.events.length - events.length, head: h.head })
              : t('history.count', { n: events.length, seq })}
          </p>

          <ol class="history" id="history-list">
            {events.map((e) => (
              <Entry key={e.seq} e={e} s={s} entity={entity} as_org={as_org} />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
