import { useT, type Message } from '../../hooks/useT';

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
  /** The label of each field of a row (also the column header). */
  labels: Partial<Record<keyof R, Message>>;
}

/**
 * The editing of a form's rows (a table of fields): `update` and `remove` a row, and the props of
 * a row's field (`field`), or of a text field bound to the row's value (`text`).
 */
export const useRowsEditor = <R>({ prefix, rows, onChange, errors, disabled, labels }: RowsEditorOptions<R>) => {
  const t = useT();
  const label = ([key, defaultMessage]: Message) => t(key, defaultMessage);
  const update = (index: number, patch: Partial<R>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const field = (index: number, name: keyof R & string) => ({
    name: `${prefix}.${index}.${name}`,
    label: label(labels[name] ?? [name, name]),
    labelHidden: true,
    error: errors[`${prefix}.${index}.${name}`],
    disabled,
  });
  const text = (index: number, name: TextKey<R>) => ({
    ...field(index, name),
    value: String(rows[index][name]),
    onChange: (value: string) => update(index, { [name]: value } as Partial<R>),
  });
  return { label, update, field, text, remove: (index: number) => onChange(rows.filter((_, i) => i !== index)) };
};
