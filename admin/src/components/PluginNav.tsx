import { Box, Divider, Flex, Typography } from '@strapi/design-system';
import { SubNav } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { useApi } from '../api';
import { ABSOLUTE_PLUGIN_PATH, ABSOLUTE_SETTINGS_PATH } from '../constants';
import { useRequest } from '../hooks/useRequest';
import { getTrad } from '../utils/getTrad';

/** Side navigation of the plugin's pages, with this site's identity at the bottom. */
export const PluginNav = () => {
  const { formatMessage } = useIntl();
  const api = useApi();
  const site = useRequest(() => api.getSite(), [api]);

  const title = formatMessage({ id: getTrad('plugin.name'), defaultMessage: 'Event Streaming' });

  return (
    <SubNav.Main aria-label={title}>
      <SubNav.Header label={title} />
      <Divider />
      <SubNav.Content>
        <SubNav.Sections>
          {[
            <SubNav.Section
              key="consumer"
              label={formatMessage({
                id: getTrad('nav.section.consumer'),
                defaultMessage: 'Receiving (this site consumes)',
              })}
            >
              {[
                <SubNav.Link
                  key="producers"
                  to={`${ABSOLUTE_PLUGIN_PATH}/producers`}
                  label={formatMessage({ id: getTrad('nav.producers'), defaultMessage: 'Producers' })}
                />,
                <SubNav.Link
                  key="sync-log"
                  to={`${ABSOLUTE_PLUGIN_PATH}/sync-log`}
                  label={formatMessage({ id: getTrad('nav.syncLog'), defaultMessage: 'Sync Log' })}
                />,
                <SubNav.Link
                  key="mappings"
                  to={ABSOLUTE_SETTINGS_PATH}
                  label={formatMessage({ id: getTrad('nav.mappings'), defaultMessage: 'Mappings' })}
                />,
              ]}
            </SubNav.Section>,
            <SubNav.Section
              key="producer"
              label={formatMessage({
                id: getTrad('nav.section.producer'),
                defaultMessage: 'Sending (this site produces)',
              })}
            >
              {[
                <SubNav.Link
                  key="consumers"
                  to={`${ABSOLUTE_PLUGIN_PATH}/consumers`}
                  label={formatMessage({ id: getTrad('nav.consumers'), defaultMessage: 'Consumers' })}
                />,
                <SubNav.Link
                  key="update-log"
                  to={`${ABSOLUTE_PLUGIN_PATH}/update-log`}
                  label={formatMessage({ id: getTrad('nav.updateLog'), defaultMessage: 'Update Log' })}
                />,
              ]}
            </SubNav.Section>,
          ]}
        </SubNav.Sections>
        {site.data ? (
          <Box paddingLeft={5} paddingRight={5} paddingTop={6}>
            <Flex direction="column" alignItems="flex-start" gap={1}>
              <Typography variant="sigma" textColor="neutral600">
                {formatMessage({ id: getTrad('nav.thisSite'), defaultMessage: 'This site' })}
              </Typography>
              {site.data.siteName ? (
                <Typography variant="omega" fontWeight="semiBold">
                  {site.data.siteName}
                </Typography>
              ) : null}
              <Typography variant="pi" textColor="neutral600" title={site.data.siteId}>
                {site.data.siteId}
              </Typography>
              {site.data.publicUrl ? (
                <Typography variant="pi" textColor="neutral600">
                  {site.data.publicUrl}
                </Typography>
              ) : null}
            </Flex>
          </Box>
        ) : null}
      </SubNav.Content>
    </SubNav.Main>
  );
};
