import { useNavigate } from 'react-router-dom';

import { useFormDraft, type FormErrors } from './useFormDraft';
import { useNotify } from './useNotify';
import { useT, type TranslationKey } from './useT';

import type { Save } from '../api/hooks';

/**
 * Default `[label, hint?]` texts of a form's fields, whose message ids are `${P}.${field}` and
 * `${P}.${field}.hint`: a field (or a hint) without a message in `en.json` fails the typecheck.
 */
type FieldTexts<F, P extends string> = {
  [K in keyof F & string]?: `${P}.${K}` extends TranslationKey
    ? `${P}.${K}.hint` extends TranslationKey
      ? readonly [label: string, hint?: string]
      : readonly [label: string]
    : never;
};

interface EditFormOptions<R, F, B, P extends string> {
  /** Undefined: the create form. */
  id: string | undefined;
  /** The stored record; the draft is seeded from it once (or from `empty` on create). */
  record: R | undefined;
  empty: F;
  toForm: (record: R) => F;
  validate: (form: F) => FormErrors;
  toBody: (form: F) => B;
  save: { mutateAsync: (variables: Save<B>) => Promise<R>; isPending: boolean };
  /** A created record's edit page is `${basePath}/${id}`. */
  basePath: string;
  savedMessage: (created: boolean) => string;
  /** false: the admin may only read (inputs disabled, no Save). */
  canSave: boolean;
  /**
   * Label and hint of each field: `[label, hint?]` default texts; their ids are
   * `${prefix}.${field}` and `${prefix}.${field}.hint`.
   */
  texts: { prefix: P; fields: FieldTexts<F, P> };
}

/**
 * An edit page's form: the draft (see `useFormDraft`), its fields' props, and Save: validate,
 * create or update, notify, then open the created record or reseed the draft from the saved one.
 * `layout` goes to `FormLayout`.
 */
export const useEditForm = <R extends { id: number }, F extends object, B, P extends string>(options: EditFormOptions<R, F, B, P>) => {
  const { id, record, toForm, save, canSave, texts } = options;
  const t = useT();
  const navigate = useNavigate();
  const notify = useNotify();
  const draft = useFormDraft(() => (record ? toForm(record) : options.empty));

  const handleSave = () =>
    draft.submit(options.validate, async (values) => {
      const saved = await save.mutateAsync({ id, body: options.toBody(values) });
      notify.success(options.savedMessage(id === undefined));
      if (id === undefined) navigate(`${options.basePath}/${saved.id}`, { replace: true });
      else draft.setForm(toForm(saved));
    });

  /** Name, label, hint, error and disabled state of the field `key`. */
  const field = (key: keyof F & string, hint?: string) => {
    const [label, defaultHint]: readonly [string, string?] = texts.fields[key] ?? [key];
    // FieldTexts admits only fields whose ids are messages.
    const id = `${texts.prefix}.${key}` as TranslationKey;
    return {
      name: key,
      label: t(id, label),
      hint: hint ?? (defaultHint ? t(`${id}.hint` as TranslationKey, defaultHint) : undefined),
      error: draft.errors[key],
      disabled: !canSave,
    };
  };

  /** A text field bound to `form[key]`. */
  const text = <K extends keyof F & string>(key: K, hint?: string) => ({
    ...field(key, hint),
    value: String(draft.form[key]),
    onChange: (value: string) => draft.set(key, value as F[K]),
  });

  const layout = {
    onSave: canSave ? handleSave : undefined,
    isSaving: save.isPending,
    saveError: draft.saveError,
    onDismissSaveError: draft.dismissSaveError,
  };
  return { form: draft.form, set: draft.set, errors: draft.errors, field, text, layout };
};
