import * as React from 'react';
import { Alert, Button, Flex } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { BackButton, Layouts, Page } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { getErrorMessage } from '../../utils/errors';
import { getTrad } from '../../utils/getTrad';
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
  const t = (id: string, defaultMessage: string) => formatMessage({ id: getTrad(id), defaultMessage });

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

interface FormGateProps {
  title: string;
  subtitle: string;
  backTo: string;
  /** The record being edited (disabled on the create form). */
  record: { isLoading: boolean; error: unknown; data: unknown; refetch: () => unknown };
  /** Something else the form needs is still loading (e.g. the content types). */
  isLoading: boolean;
  /** The form, once everything is loaded. */
  children: () => React.ReactNode;
}

/** Shows the edit page's loading or load-error state until the record is there, then the form. */
export const FormGate = ({ record, isLoading, children, ...text }: FormGateProps) => {
  if (record.isLoading || isLoading || (record.error && !record.data)) {
    return (
      <FormLayout {...text} isLoading={record.isLoading || isLoading} loadError={record.error} onRetry={() => void record.refetch()} />
    );
  }
  return <>{children()}</>;
};
