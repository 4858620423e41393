// A virtualised list in its own scroll box (ADR 0508): only the rows on screen, plus a few
// above and below (overscan), are in the DOM; the rest is two spacers of the rows' summed
// heights. Heights vary: each rendered row is measured (ResizeObserver) and remembered by key;
// rows never rendered count as `estimate`. The box opens at its end (the newest rows) and
// stays there while new rows arrive if the reader was at the end; otherwise the first row on
// screen keeps its place when rows are prepended ("load earlier") or measured anew above it.
// Near the top it calls `on_top` (the caller asks for the earlier page; a button does the same
// for keyboard and screen-reader users).
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';

export interface VirtualListProps<T> {
  items: readonly T[];
  key_of: (item: T) => string;
  /** A row's contents; `row_props` gives its <li>'s attributes (class, id, data-*). */
  render: (item: T) => ComponentChildren;
  row_props?: (item: T) => Record<string, string | undefined>;
  /** A row's height before it was measured (px). */
  estimate?: number;
  /** Rows rendered beyond each edge of the box. */
  overscan?: number;
  /** Called when the reader scrolls within `top_margin` px of the top. */
  on_top?: () => void;
  top_margin?: number;
  /** Above the rows, inside the box (the "load earlier" button). */
  head?: ComponentChildren;
  label: string;
  class?: string;
  list_class?: string;
}

/** The index of the first row whose bottom is below `y` (binary search over the tops). */
export function first_below(tops: readonly number[], heights: readonly number[], y: number): number {
  let lo = 0;
  let hi = tops.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid]! + heights[mid]! <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const end_slack = 24; // px from the end that still count as "at the end"

export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, key_of, estimate = 120, overscan = 6, top_margin = 200 } = props;
  const box = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const sizes = useRef(new Map<string, number>());
  const observer = useRef<ResizeObserver | null>(null);
  const refs = useRef(new Map<string, (el: HTMLLIElement | null) => void>());
  const at_end = useRef(true);
  const anchor = useRef<{ key: string; offset: number } | null>(null);
  const [scroll, set_scroll] = useState({ top: 0, height: 600 });
  const [measured, set_measured] = useState(0);

  const keys = useMemo(() => items.map(key_of), [items, key_of]);
  const { tops, heights, total } = useMemo(() => {
    const tops: number[] = new Array(keys.length);
    const heights: number[] = new Array(keys.length);
    let y = 0;
    keys.forEach((k, i) => {
      tops[i] = y;
      heights[i] = sizes.current.get(k) ?? estimate;
      y += heights[i]!;
    });
    return { tops, heights, total: y };
    // `measured` changes whenever a row's size does.
  }, [keys, estimate, measured]);

  // The list's own offset inside the box (the head above it).
  const head_h = list.current?.offsetTop ?? 0;
  const from = Math.max(0, first_below(tops, heights, scroll.top - head_h) - overscan);
  const to = Math.min(keys.length, first_below(tops, heights, scroll.top - head_h + scroll.height) + 1 + overscan);

  if (!observer.current && typeof ResizeObserver !== 'undefined')
    observer.current = new ResizeObserver((entries) => {
      let changed = false;
      for (const e of entries) {
        const el = e.target as HTMLElement;
        const key = el.dataset.vkey;
        if (!key || !el.isConnected) continue;
        const h = el.offsetHeight;
        if (h > 0 && sizes.current.get(key) !== h) {
          sizes.current.set(key, h);
          changed = true;
        }
      }
      if (changed) set_measured((n) => n + 1);
    });

  const remember_anchor = () => {
    const b = box.current;
    if (!b) return;
    at_end.current = b.scrollHeight - b.scrollTop - b.clientHeight <= end_slack;
    const y = b.scrollTop - (list.current?.offsetTop ?? 0);
    const i = Math.min(keys.length - 1, first_below(tops, heights, y));
    anchor.current = i >= 0 ? { key: keys[i]!, offset: tops[i]! - y } : null;
  };

  // After every render: measure the rows drawn (before anything else reads the layout, so the
  // spacers and the rows' real heights agree: else the end of the box moves with the range and
  // the range with the end), then keep the end in view, or the anchor row where it was.
  useLayoutEffect(() => {
    const b = box.current;
    if (!b) return;
    let changed = false;
    for (const el of Array.from(list.current?.children ?? []) as HTMLElement[]) {
      const key = el.dataset.vkey;
      const h = el.offsetHeight;
      if (key && h > 0 && sizes.current.get(key) !== h) {
        sizes.current.set(key, h);
        changed = true;
      }
    }
    if (changed) {
      set_measured((n) => n + 1); // drawn again with the spacers right; scroll then
      return;
    }
    if (at_end.current) {
      b.scrollTop = b.scrollHeight;
    } else if (anchor.current) {
      const i = keys.indexOf(anchor.current.key);
      if (i >= 0) {
        const want = tops[i]! - anchor.current.offset + (list.current?.offsetTop ?? 0);
        if (Math.abs(b.scrollTop - want) >= 1) b.scrollTop = want;
      }
    }
    if (b.scrollTop !== scroll.top || b.clientHeight !== scroll.height) set_scroll({ top: b.scrollTop, height: b.clientHeight });
    remember_anchor();
  });

  useLayoutEffect(() => () => observer.current?.disconnect(), []);

  const on_scroll = () => {
    const b = box.current;
    if (!b) return;
    remember_anchor();
    set_scroll({ top: b.scrollTop, height: b.clientHeight });
    if (b.scrollTop <= top_margin) props.on_top?.();
  };

  // One ref callback per key, so a row is observed once while rendered and let go after.
  const measure = (key: string) => {
    let f = refs.current.get(key);
    if (!f) {
      let held: HTMLLIElement | null = null;
      f = (el) => {
        if (held && held !== el) observer.current?.unobserve(held);
        held = el;
        if (el) {
          el.dataset.vkey = key;
          observer.current?.observe(el); // its first report measures the row
        } else {
          refs.current.delete(key);
        }
      };
      refs.current.set(key, f);
    }
    return f;
  };

  const above = tops[from] ?? 0;
  const below = total - (to > 0 ? tops[to - 1]! + heights[to - 1]! : 0);
  return (
    <div ref={box} class={`vlist ${props.class ?? ''}`} role="region" aria-label={props.label} tabIndex={0} onScroll={on_scroll}>
      {props.head}
      <ul ref={list} class={props.list_class} style={{ paddingTop: `${above}px`, paddingBottom: `${Math.max(0, below)}px` }}>
        {items.slice(from, to).map((item, n) => {
          const key = keys[from + n]!;
          return (
            <li key={key} ref={measure(key)} {...(props.row_props?.(item) ?? {})}>
              {props.render(item)}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
