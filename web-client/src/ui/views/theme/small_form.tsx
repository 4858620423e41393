// A small one-shot form (assign a champion, record a gap, add an action, convene a
// discussion): labelled fields, a submit button and the command's outcome. The field keys
// type the values handed to `on_submit`, so each caller builds its command's args from
// named, always-present strings.
import { useState } from 'preact/hooks';
import type { CommandOutcome } from '../../../sync';
import { Notice } from '../../components/common';

export interface SmallField<K extends string> {
  key: K;
  label: string;
  type?: string;
  options?: [string, string][];
  required?: boolean;
}

export function SmallForm<K extends string>(props: {
  title: string;
  fields: SmallField<K>[];
  submit_label: string;
  on_submit: (v: Record<K, string>) => Promise<CommandOutcome>;
  id: string;
}) {
  const blank = () => Object.fromEntries(props.fields.map((f) => [f.key, f.options?.[0]?.[0] ?? ''])) as Record<K, string>;
  const [v, set_v] = useState<Record<K, string>>(blank);
  const [outcome, set_outcome] = useState<CommandOutcome | null | 'sending'>(null);
  return (
    <form
      class="stack"
      id={props.id}
      onSubmit={async (e) => {
        e.preventDefault();
        set_outcome('sending');
        const o = await props.on_submit(v);
        set_outcome(o);
        if (o.ok) set_v(blank());
      }}
    >
      <h3>{props.title}</h3>
      {props.fields.map((f) => {
        const fid = `${props.id}-${f.key}`;
        const on = (e: Event) => set_v({ ...v, [f.key]: (e.currentTarget as HTMLInputElement).value });
        return (
          <div key={f.key} class="field">
            <label for={fid}>{f.label}</label>
            {f.options ? (
              <select id={fid} value={v[f.key]} onChange={on}>
                {f.options.map(([val, label]) => (
                  <option key={val} value={val}>
                    {label}
                  </option>
                ))}
              </select>
            ) : f.type === 'textarea' ? (
              <textarea id={fid} rows={2} value={v[f.key]} required={f.required} onInput={on} />
            ) : (
              <input id={fid} type={f.type ?? 'text'} value={v[f.key]} required={f.required} onInput={on} />
            )}
          </div>
        );
      })}
      <button type="submit">{props.submit_label}</button>
      <Notice outcome={outcome} />
    </form>
  );
}
