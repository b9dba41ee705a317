import * as React from 'react';
import { useIntl } from 'react-intl';

import { getErrorMessage, getValidationErrors } from '../utils/errors';
import { getTrad } from '../utils/getTrad';

import { useNotify } from './useNotify';

/** Field errors keyed by dotted path (`producerUrl`, `subscriptions.0.contentType`). */
export type FormErrors = Record<string, string>;

/**
 * The draft of an edit form: the values the admin edits (seeded once from `initial`), the field
 * errors, and the save-error banner. `submit(validate, save)` checks the draft, then saves; a
 * rejected save shows the server's field errors, its message in the banner and a notification.
 */
export const useFormDraft = <F extends object>(initial: () => F) => {
  const { formatMessage } = useIntl();
  const notify = useNotify();
  const [form, setForm] = React.useState<F>(initial);
  const [errors, setErrors] = React.useState<FormErrors>({});
  const [saveError, setSaveError] = React.useState<string | null>(null);

  /** Sets one value and clears its error. */
  const set = <K extends keyof F & string>(key: K, value: F[K]) => {
    setForm((prev) => ({ ...prev, [key]: value }));
    setErrors(({ [key]: _cleared, ...rest }) => rest);
  };

  const submit = async (validate: (form: F) => FormErrors, save: (form: F) => Promise<void>) => {
    const found = validate(form);
    setErrors(found);
    setSaveError(null);
    if (Object.keys(found).length > 0) return;
    try {
      await save(form);
    } catch (err) {
      setErrors(getValidationErrors(err));
      setSaveError(
        getErrorMessage(
          err,
          formatMessage({ id: getTrad('common.error'), defaultMessage: 'Whoops! Something went wrong. Please, try again.' })
        )
      );
      notify.error(err);
    }
  };

  return { form, setForm, set, errors, saveError, dismissSaveError: () => setSaveError(null), submit };
};
