import type { DocumentTypeMapping } from '../../api/contracts';
import type { SelectOption } from './fields';

/** Keys of `R` whose values are strings. */
type TextKey<R> = { [K in keyof R]: R[K] extends string ? K : never }[keyof R] & string;

interface RowsEditorOptions<R> {
  /** The rows' path in the form's errors (`subscriptions`, `fieldMappings`). */
  prefix: string;
  rows: R[];
  onChange: (rows: R[]) => void;
  /** Errors keyed by `<prefix>.<index>.<field>`. */
  errors: Record<string, string>;
  disabled: boolean;
}

/** What the editor of a form's rows takes. */
export interface RowsEditorProps<R> {
  rows: R[];
  onChange: (rows: R[]) => void;
  /** Other mappings, for the mapping pickers. */
  mappings: DocumentTypeMapping[];
  /** Errors keyed by `<prefix>.<index>.<field>` (and `<prefix>` for the whole list). */
  errors: Record<string, string>;
  disabled?: boolean;
}

/**
 * The editing of a form's rows (a table of fields): `update` and `remove` a row, and the props of
 * a row's field labelled `label` (`field`), of a text field bound to the row's value (`text`), or of
 * a select of a value unique among the rows (`pick`).
 */
export const useRowsEditor = <R>({ prefix, rows, onChange, errors, disabled }: RowsEditorOptions<R>) => {
  const update = (index: number, patch: Partial<R>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const field = (index: number, name: keyof R & string, label: string) => ({
    name: `${prefix}.${index}.${name}`,
    label,
    labelHidden: true,
    error: errors[`${prefix}.${index}.${name}`],
    disabled,
  });
  const text = (index: number, name: TextKey<R>, label: string) => ({
    ...field(index, name, label),
    value: String(rows[index][name]),
    onChange: (value: string) => update(index, { [name]: value } as Partial<R>),
  });
  /** A required select of a value each row picks once: what the other rows took is disabled. */
  const pick = (index: number, name: TextKey<R>, label: string, options: SelectOption[]) => {
    const current = String(rows[index][name]);
    const taken = new Set(rows.map((row) => String(row[name])));
    const available = options.map((option) => ({ ...option, disabled: option.value !== current && taken.has(option.value) }));
    return { ...field(index, name, label), required: true, value: current || null, options: available };
  };
  return { update, field, text, pick, remove: (index: number) => onChange(rows.filter((_, i) => i !== index)) };
};
