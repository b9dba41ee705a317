import * as React from 'react';
import { Alert, Button, Flex } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { BackButton, Layouts, Page } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { useParams } from 'react-router-dom';

import { useContentTypes } from '../../api/hooks';

import { getErrorMessage } from '../../utils/errors';
import { getTrad, type TranslationKey } from '../../utils/getTrad';
import { ErrorState, LoadingState } from '../States';

interface FormLayoutProps {
  title: string;
  subtitle: string;
  /** Where Back goes when there is no history. */
  backTo: string;
  /** The record (or the content types) is loading: a spinner instead of the form. */
  isLoading?: boolean;
  /** The record could not be loaded: its error with Retry instead of the form. */
  loadError?: unknown;
  onRetry?: () => void;
  /** Undefined: no Save button (the admin may only read). */
  onSave?: () => void;
  isSaving?: boolean;
  /** Why the last save failed (dismissible). */
  saveError?: string | null;
  onDismissSaveError?: () => void;
  /** The content types could not be loaded: a warning above the form, which stays usable. */
  typesError?: unknown;
  children?: React.ReactNode;
  /** Dialogs and modals of the page. */
  overlays?: React.ReactNode;
}

/**
 * The frame of the plugin's edit pages: header with Back and Save, loading and error states, the
 * save error and the content-types warning above the form sections.
 */
export const FormLayout = (props: FormLayoutProps) => {
  const { title, subtitle, backTo, onSave, isSaving, saveError, onDismissSaveError, typesError, children } = props;
  const { formatMessage } = useIntl();
  const t = (id: TranslationKey, defaultMessage: string) => formatMessage({ id: getTrad(id), defaultMessage });

  let body: React.ReactNode;
  if (props.isLoading) body = <LoadingState />;
  else if (props.loadError) body = <ErrorState error={props.loadError} onRetry={props.onRetry} />;
  else {
    body = (
      <Flex direction="column" alignItems="stretch" gap={6}>
        {saveError ? (
          <Alert
            variant="danger"
            closeLabel={t('common.close', 'Close')}
            title={t('form.saveFailed', 'Not saved')}
            onClose={onDismissSaveError}
          >
            {saveError}
          </Alert>
        ) : null}
        {typesError ? (
          <Alert variant="warning" closeLabel={t('common.close', 'Close')} title={t('form.typesFailed', 'Content types unavailable')}>
            {getErrorMessage(typesError, t('common.error', 'Whoops! Something went wrong. Please, try again.'))}
          </Alert>
        ) : null}
        {children}
      </Flex>
    );
  }

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        navigationAction={<BackButton fallback={backTo} />}
        title={title}
        subtitle={subtitle}
        primaryAction={
          onSave ? (
            <Button startIcon={<Check />} loading={isSaving} onClick={onSave}>
              {t('common.save', 'Save')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>{body}</Layouts.Content>
      {props.overlays}
    </Page.Main>
  );
};

/** What `createEditPage` passes to its form. */
export interface EditFormProps<R> {
  /** Undefined: the create form. */
  id: string | undefined;
  /** The stored record (live from the cache); the form seeds its draft from it once. */
  record: R | undefined;
  /** The content types could not be loaded. */
  typesError: unknown;
}

interface EditPageOptions<R> {
  /** The record of the route's `:id` (disabled on the create route). */
  useRecord: (id: string | undefined) => { isLoading: boolean; error: unknown; data: R | undefined; refetch: () => unknown };
  useText: (id: string | undefined, record: R | undefined) => { title: string; subtitle: string };
  backTo: string;
  Form: React.ComponentType<EditFormProps<R>>;
}

/**
 * An edit page (`…/create`, `…/:id`): the loading or load-error state until the record and the
 * content types are there, then `Form`. The form is keyed by the id, so a new id (create → saved)
 * mounts a new form seeded from that record.
 */
export const createEditPage = <R,>({ useRecord, useText, backTo, Form }: EditPageOptions<R>) => {
  const EditPage = () => {
    const { id } = useParams<{ id: string }>();
    const record = useRecord(id);
    const types = useContentTypes();
    const text = useText(id, record.data);
    if (record.isLoading || types.isLoading || (record.error && !record.data)) {
      const onRetry = () => void record.refetch();
      return (
        <FormLayout {...text} backTo={backTo} isLoading={record.isLoading || types.isLoading} loadError={record.error} onRetry={onRetry} />
      );
    }
    return <Form key={id ?? 'create'} id={id} record={record.data} typesError={types.error} />;
  };
  return EditPage;
};
