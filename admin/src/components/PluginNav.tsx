import { Box, Divider, Flex, Typography } from '@strapi/design-system';
import { SubNav } from '@strapi/strapi/admin';

import { useSiteQuery } from '../api/hooks';
import { ABSOLUTE_PLUGIN_PATH, ABSOLUTE_SETTINGS_PATH } from '../constants';
import { useT, type TranslationKey } from '../hooks/useT';

/** The sections of the side navigation: [key, label id, default label, links as [to, label id, default label]]. */
const SECTIONS: Array<[string, TranslationKey, string, Array<[string, TranslationKey, string]>]> = [
  [
    'consumer',
    'nav.section.consumer',
    'Receiving (this site consumes)',
    [
      [`${ABSOLUTE_PLUGIN_PATH}/producers`, 'nav.producers', 'Producers'],
      [`${ABSOLUTE_PLUGIN_PATH}/sync-log`, 'nav.syncLog', 'Sync Log'],
      [`${ABSOLUTE_PLUGIN_PATH}/review`, 'nav.review', 'Review'],
      [ABSOLUTE_SETTINGS_PATH, 'nav.mappings', 'Mappings'],
    ],
  ],
  [
    'producer',
    'nav.section.producer',
    'Sending (this site produces)',
    [
      [`${ABSOLUTE_PLUGIN_PATH}/consumers`, 'nav.consumers', 'Consumers'],
      [`${ABSOLUTE_PLUGIN_PATH}/update-log`, 'nav.updateLog', 'Update Log'],
    ],
  ],
];

/** Side navigation of the plugin's pages, with this site's identity at the bottom. */
export const PluginNav = () => {
  const t = useT();
  const site = useSiteQuery().data;
  const title = t('plugin.name', 'Event Streaming');

  return (
    <SubNav.Main aria-label={title}>
      <SubNav.Header label={title} />
      <Divider />
      <SubNav.Content>
        <SubNav.Sections>
          {SECTIONS.map(([key, labelId, label, links]) => (
            <SubNav.Section key={key} label={t(labelId, label)}>
              {links.map(([to, linkId, linkLabel]) => (
                <SubNav.Link key={to} to={to} label={t(linkId, linkLabel)} />
              ))}
            </SubNav.Section>
          ))}
        </SubNav.Sections>
        {site ? (
          <Box paddingLeft={5} paddingRight={5} paddingTop={6}>
            <Flex direction="column" alignItems="flex-start" gap={1}>
              <Typography variant="sigma" textColor="neutral600">
                {t('nav.thisSite', 'This site')}
              </Typography>
              {site.siteName ? (
                <Typography variant="omega" fontWeight="semiBold">
                  {site.siteName}
                </Typography>
              ) : null}
              <Typography variant="pi" textColor="neutral600" title={site.siteId}>
                {site.siteId}
              </Typography>
              {site.publicUrl ? (
                <Typography variant="pi" textColor="neutral600">
                  {site.publicUrl}
                </Typography>
              ) : null}
            </Flex>
          </Box>
        ) : null}
      </SubNav.Content>
    </SubNav.Main>
  );
};
