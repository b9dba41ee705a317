import * as React from 'react';
import { Box, Flex, Link, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { NavLink } from 'react-router-dom';

import { useDocumentOriginQuery } from '../api/hooks';
import { ABSOLUTE_PLUGIN_PATH } from '../constants';
import { usePluginPermissions } from '../hooks/usePluginPermissions';
import { getTrad } from '../utils/getTrad';

import { NeverDateTime } from './DateTime';

import type { DocumentOrigin, RemoteReference } from '../api/contracts';
import type { PanelComponent, PanelComponentProps } from '@strapi/content-manager/strapi-admin';

/** Content types that never stream: the plugin's own, the admin's and other plugins'. */
const isStreamableModel = (model: string) => model.startsWith('api::');

const Row = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <Flex direction="column" alignItems="flex-start" gap={1}>
    <Typography variant="sigma" textColor="neutral600">
      {label}
    </Typography>
    {children}
  </Flex>
);

const ReferenceDetails = ({ reference }: { reference: RemoteReference }) => {
  const { formatMessage } = useIntl();
  const syncLogLink = `${ABSOLUTE_PLUGIN_PATH}/sync-log?contentType=${encodeURIComponent(reference.localContentType)}${
    reference.producerId !== null ? `&producerId=${reference.producerId}` : ''
  }`;
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Row label={formatMessage({ id: getTrad('origin.producer'), defaultMessage: 'Producer' })}>
        <Typography variant="omega" style={{ wordBreak: 'break-all' }}>
          {reference.producerUrl}
        </Typography>
      </Row>
      <Row label={formatMessage({ id: getTrad('origin.remoteDocument'), defaultMessage: 'Remote document' })}>
        <Typography variant="omega" style={{ wordBreak: 'break-all' }}>
          {reference.remoteDocumentId}
        </Typography>
        {reference.remoteContentType !== reference.localContentType ? (
          <Typography variant="pi" textColor="neutral600">
            {reference.remoteContentType}
          </Typography>
        ) : null}
      </Row>
      <Row label={formatMessage({ id: getTrad('origin.lastSynced'), defaultMessage: 'Last synced' })}>
        <NeverDateTime value={reference.lastSyncedAt} />
        <Typography variant="pi" textColor="neutral600">
          {formatMessage({ id: getTrad('origin.lastSeq'), defaultMessage: 'Event #{seq}' }, { seq: reference.lastAppliedSeq })}
        </Typography>
      </Row>
      {reference.keepLocal.length > 0 ? (
        <Typography
          variant="pi"
          title={formatMessage({
            id: getTrad('origin.keepLocalHint'),
            defaultMessage: 'Filled when the document was created here; the stream never overwrites them.',
          })}
        >
          {formatMessage(
            { id: getTrad('origin.keepLocal'), defaultMessage: 'Kept local: {fields}' },
            { fields: reference.keepLocal.join(', ') }
          )}
        </Typography>
      ) : null}
      {reference.deleted ? (
        <Typography variant="pi" textColor="danger600">
          {formatMessage({ id: getTrad('origin.deleted'), defaultMessage: 'Deleted on the producer.' })}
        </Typography>
      ) : null}
      <Link tag={NavLink} to={syncLogLink}>
        {formatMessage({ id: getTrad('origin.openSyncLog'), defaultMessage: 'Open the Sync Log' })}
      </Link>
    </Flex>
  );
};

const OriginContent = ({ origin, documentId }: { origin: DocumentOrigin; documentId: string }) => {
  const { formatMessage } = useIntl();
  const awaiting = origin.awaitingReview ?? 0;
  return (
    <Flex direction="column" alignItems="stretch" gap={4} width="100%">
      {awaiting > 0 ? (
        // Review queue (issue 15): incoming changes of this document held for an editor.
        <Flex direction="column" alignItems="flex-start" gap={1} data-testid="origin-awaiting-review">
          <Typography variant="omega" fontWeight="semiBold" textColor="warning700">
            {formatMessage(
              {
                id: getTrad('origin.awaitingReview'),
                defaultMessage: '{count, plural, one {# incoming change awaiting review} other {# incoming changes awaiting review}}',
              },
              { count: awaiting }
            )}
          </Typography>
          <Link tag={NavLink} to={`${ABSOLUTE_PLUGIN_PATH}/review?documentId=${encodeURIComponent(documentId)}`}>
            {formatMessage({ id: getTrad('origin.openReview'), defaultMessage: 'Open the Review page' })}
          </Link>
        </Flex>
      ) : null}
      {origin.references.map((reference) => (
        <Box key={`${reference.producerSiteId}:${reference.remoteDocumentId}:${reference.locale ?? ''}`}>
          <ReferenceDetails reference={reference} />
        </Box>
      ))}
      {origin.consumers.length > 0 ? (
        <Row
          label={formatMessage(
            {
              id: getTrad('origin.consumers'),
              defaultMessage: 'Streamed to {count, plural, one {# site} other {# sites}}',
            },
            { count: origin.consumers.length }
          )}
        >
          {origin.consumers.map((consumer) => (
            <Typography key={consumer.id} variant="omega" title={consumer.consumerSiteId}>
              {consumer.consumerName}
            </Typography>
          ))}
          <Link tag={NavLink} to={`${ABSOLUTE_PLUGIN_PATH}/update-log?documentId=${encodeURIComponent(documentId)}`}>
            {formatMessage({ id: getTrad('origin.openUpdateLog'), defaultMessage: 'Changes sent (Update Log)' })}
          </Link>
          <Link tag={NavLink} to={`${ABSOLUTE_PLUGIN_PATH}/consumers`}>
            {formatMessage({ id: getTrad('origin.openConsumers'), defaultMessage: 'Manage consumers' })}
          </Link>
        </Row>
      ) : null}
    </Flex>
  );
};

/**
 * Content Manager edit-view side panel: where this document came from (producer, remote
 * documentId, last sync, the fields its subscription keeps local) or, on a producer, which consumers receive its type. It is a
 * description component (hooks allowed) returning `{ title, content }`, or null to render nothing:
 * for non-API types, new documents, users without the read permission, and documents with no
 * stream origin.
 */
export const OriginPanel: PanelComponent = ({ model, documentId }: PanelComponentProps) => {
  const { formatMessage } = useIntl();
  const { canRead, isLoading: isLoadingPermissions } = usePluginPermissions();
  const enabled = !isLoadingPermissions && canRead && Boolean(documentId) && isStreamableModel(model);
  const { data } = useDocumentOriginQuery(model, documentId, enabled);

  if (!enabled || !data || !documentId) return null;
  if (data.references.length === 0 && data.consumers.length === 0) return null;

  return {
    title: formatMessage({ id: getTrad('origin.title'), defaultMessage: 'Event Streaming' }),
    content: <OriginContent origin={data} documentId={documentId} />,
  };
};
OriginPanel.displayName = 'EventStreamingOriginPanel';
