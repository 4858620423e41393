// Which of the theme page's edit forms is open (one at a time), and the Edit button that
// opens one.

/** Which edit form is open: `commitment:<id>`, `gap:<id>` or `action:<id>`, or null. */
export interface Editing {
  open: string | null;
  set: (key: string | null) => void;
}

export function EditButton(props: { what: 'commitment' | 'gap' | 'action'; title: string; on_click: () => void }) {
  const { what, title, on_click } = props;
  return (
    <button type="button" class={`edit-${what}-button`} aria-label={`Edit ${what}: ${title}`} onClick={on_click}>
      Edit
    </button>
  );
}
