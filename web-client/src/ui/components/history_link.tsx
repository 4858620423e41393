// "History" beside an entity in a read-only (audit) view: a link to its changes, at the
// same seq. Nothing in the live views.
import { use_mode } from '../view_mode';
import { t } from '../../i18n';

export function HistoryLink({ entity, noun, name }: { entity: string; noun: string; name: string | number }) {
  const { history } = use_mode();
  if (!history) return null;
  return (
    <>
      {' '}
      <a class="history-link" href={history(entity)} aria-label={t('history.of', { noun, name })}>
        {t('history.link')}
      </a>
    </>
  );
}
