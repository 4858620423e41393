// "History" beside an entity in a read-only (audit) view: a link to its changes, at the
// same seq. Nothing in the live views.
import { use_mode } from '../view_mode';

export function HistoryLink({ entity, label }: { entity: string; label: string }) {
  const { history } = use_mode();
  if (!history) return null;
  return (
    <>
      {' '}
      <a class="history-link" href={history(entity)} aria-label={`History of ${label}`}>
        History
      </a>
    </>
  );
}
