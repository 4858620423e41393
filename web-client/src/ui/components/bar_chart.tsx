// An accessible SVG bar chart (optionally stacked) with its data as a table alternative.
// The SVG is role="img" with a title and a text description; the table is the same data,
// shown on demand, so no one depends on seeing the bars. In a right-to-left language the chart
// is mirrored: the first category on the right, the value axis on the right.
import { useState } from 'preact/hooks';
import { dir_of, fmt_number, lang, t } from '../../i18n';

export interface Series {
  key: string;
  label: string;
  color: string;
}

export interface BarChartProps {
  id: string;
  title: string;
  description: string;
  categories: string[];
  /** Short labels under the bars (the table shows the full category names). */
  axis_labels?: string[];
  series: Series[];
  /** values[category index][series index] */
  values: number[][];
  unit?: string;
  max?: number;
  stacked?: boolean;
  /** The chart's own words, when a page has its own (the public site); else the i18n layer's. */
  labels?: { show_table: string; show_chart: string; no_data: string; category: string };
}

export function BarChart(p: BarChartProps) {
  const [as_table, set_as_table] = useState(false);
  const l = p.labels ?? {
    show_table: t('chart.as_table'),
    show_chart: t('chart.as_chart'),
    no_data: t('chart.no_data'),
    category: t('chart.round'),
  };
  const w = 560;
  const h = 220;
  const rtl = dir_of(lang.value) === 'rtl';
  const pad = rtl ? { l: 10, r: 40, t: 10, b: 40 } : { l: 40, r: 10, t: 10, b: 40 };
  /** The slot of category i from the left. */
  const slot = (i: number) => (rtl ? p.categories.length - 1 - i : i);
  const totals = p.values.map((row) => (p.stacked ? row.reduce((a, b) => a + b, 0) : Math.max(0, ...row)));
  const max = p.max ?? Math.max(1, ...totals);
  const band = (w - pad.l - pad.r) / Math.max(1, p.categories.length);
  const bar_w = p.stacked ? band * 0.6 : (band * 0.7) / Math.max(1, p.series.length);
  const y = (v: number) => pad.t + (h - pad.t - pad.b) * (1 - v / max);
  const ticks = [0, max / 2, max].map((v) => Math.round(v));
  const title_id = `${p.id}-title`;
  const desc_id = `${p.id}-desc`;
  return (
    <figure class="chart" aria-labelledby={`${p.id}-cap`}>
      <figcaption id={`${p.id}-cap`}>
        <strong>{p.title}</strong>
        <button type="button" class="link-button" aria-pressed={as_table} onClick={() => set_as_table(!as_table)}>
          {as_table ? l.show_chart : l.show_table}
        </button>
      </figcaption>
      {p.categories.length === 0 ? (
        <p>{l.no_data}</p>
      ) : as_table ? (
        <table>
          <caption class="visually-hidden">{p.title}</caption>
          <thead>
            <tr>
              <th scope="col">{l.category}</th>
              {p.series.map((s) => (
                <th scope="col" key={s.key}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.categories.map((c, i) => (
              <tr key={c}>
                <th scope="row">{c}</th>
                {p.series.map((s, j) => (
                  <td key={s.key}>
                    {fmt_number(p.values[i]?.[j] ?? 0)}
                    {p.unit ?? ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby={`${title_id} ${desc_id}`} class="chart-svg">
          <title id={title_id}>{p.title}</title>
          <desc id={desc_id}>{p.description}</desc>
          {ticks.map((tick) => (
            <g key={tick}>
              <line x1={pad.l} x2={w - pad.r} y1={y(tick)} y2={y(tick)} class="grid-line" />
              <text x={rtl ? w - pad.r + 6 : pad.l - 6} y={y(tick) + 4} text-anchor={rtl ? 'start' : 'end'} class="axis">
                {fmt_number(tick)}
              </text>
            </g>
          ))}
          {p.categories.map((c, i) => {
            const x0 = pad.l + band * slot(i) + (band - (p.stacked ? bar_w : bar_w * p.series.length)) / 2;
            let acc = 0;
            return (
              <g key={c}>
                {p.series.map((s, j) => {
                  const v = p.values[i]?.[j] ?? 0;
                  const x = p.stacked ? x0 : x0 + bar_w * (rtl ? p.series.length - 1 - j : j);
                  const top = p.stacked ? y(acc + v) : y(v);
                  const bottom = p.stacked ? y(acc) : y(0);
                  acc += v;
                  return <rect key={s.key} x={x} y={top} width={bar_w} height={Math.max(0, bottom - top)} fill={s.color} />;
                })}
                <text x={pad.l + band * slot(i) + band / 2} y={h - pad.b + 16} text-anchor="middle" class="axis">

                  {p.axis_labels?.[i] ?? (c.length > 14 ? `${c.slice(0, 13)}…` : c)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      {p.series.length > 1 && !as_table && (
        <ul class="legend" aria-hidden="true">
          {p.series.map((s) => (
            <li key={s.key}>
              <span class="swatch" style={{ background: s.color }} /> {s.label}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
