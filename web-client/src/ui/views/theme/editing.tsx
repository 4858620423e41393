// Which of the theme page's edit forms is open (one at a time), and the Edit button that
// opens one.
import { t } from '../../../i18n';

/** Which edit form is open: `commitment:<id>`, `gap:<id>` or `action:<id>`, or null. */
export interface Editing {
  open: string | null;
  set: (key: string | null) => void;
}

export function EditButton(props: { noun: 'commitment' | 'gap' | 'action'; title: string; on_click: () => void }) {
  const { noun, title, on_click } = props;
  return (
    <button type="button" class={`edit-${noun}-button`} aria-label={t('edit.button_label', { noun, title })} onClick={on_click}>
      {t('edit.button')}
    </button>
  );
}
