import { Box, Flex, Typography } from '@strapi/design-system';

import { useMappingSchemaCheck, useProducerSchemaCheck, type ProducerCheck } from '../api/schema-check';
import { useT } from '../hooks/useT';

import { DateTime } from './DateTime';

import type { SchemaIssue, SchemaReport } from '../api/contracts';

/** One issue in the admin's language (the server's `message` is English). */
const IssueText = ({ issue }: { issue: SchemaIssue }) => {
  const t = useT();
  const v = {
    remote: issue.remoteField ?? '',
    local: issue.localField ?? '',
    remoteType: issue.remoteType ?? '',
    localType: issue.localType ?? '',
  };
  switch (issue.kind) {
    case 'no-local-field':
      return issue.remoteField
        ? t('schemaCheck.issue.noLocalField', 'Remote field "{remote}" ({remoteType}) has no local counterpart: its values are dropped.', v)
        : t('schemaCheck.issue.noLocalFieldRow', 'The mapping writes local field "{local}", which the local type does not have.', v);
    case 'no-remote-field':
      return t('schemaCheck.issue.noRemoteField', 'The mapping reads remote field "{remote}", which the producer does not have.', v);
    case 'type-mismatch':
      return t(
        'schemaCheck.issue.typeMismatch',
        'Remote field "{remote}" ({remoteType}) does not fit local field "{local}" ({localType}).',
        v
      );
    case 'required-unfilled':
      return t(
        'schemaCheck.issue.requiredUnfilled',
        'Required local field "{local}" ({localType}) is filled by nothing: created documents fail.',
        v
      );
    case 'remote-type-unknown':
      return t('schemaCheck.issue.remoteTypeUnknown', 'The producer does not stream this content type.');
    default:
      return t('schemaCheck.issue.localTypeUnknown', 'This site has no such content type.');
  }
};

const Report = ({ report }: { report: SchemaReport }) => {
  const t = useT();
  const label =
    report.contentType === report.remoteContentType ? report.contentType : `${report.remoteContentType} → ${report.contentType}`;
  return (
    <Flex direction="column" alignItems="stretch" gap={1} data-testid={`schema-check-${report.contentType}`}>
      <Typography fontWeight="semiBold">
        {label}
        {report.mapping ? ` · ${t('schemaCheck.viaMapping', 'mapping {mapping}', { mapping: report.mapping })}` : ''}
      </Typography>
      {report.issues.length === 0 ? (
        <Typography variant="pi" textColor="success600">
          {t('schemaCheck.fits', "The producer's fields fit the local type.")}
        </Typography>
      ) : (
        <Box tag="ul" paddingLeft={4}>
          {report.issues.map((issue, i) => (
            <li key={`${issue.kind}-${issue.remoteField ?? ''}-${issue.localField ?? ''}-${i}`}>
              <Typography variant="pi" textColor={issue.kind === 'no-local-field' && issue.remoteField ? 'warning600' : 'danger600'}>
                <IssueText issue={issue} />
              </Typography>
            </li>
          ))}
        </Box>
      )}
    </Flex>
  );
};

/** The reports of one producer: a note when its schema changed, or why it could not be asked. */
const ProducerReports = ({ check, title }: { check: ProducerCheck; title?: string }) => {
  const t = useT();
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      {title ? <Typography fontWeight="bold">{title}</Typography> : null}
      {check.schemaChangedAt ? (
        <Typography textColor="warning600" data-testid="schema-changed">
          {t('schemaCheck.changed', "The producer's schema of these types changed")} <DateTime value={check.schemaChangedAt} />
        </Typography>
      ) : null}
      {check.error ? (
        <Typography textColor="danger600">
          {t('schemaCheck.unreachable', 'The producer could not be asked for its schema: {error}', { error: check.error })}
        </Typography>
      ) : null}
      {check.reports.map((report) => (
        <Report key={report.contentType} report={report} />
      ))}
    </Flex>
  );
};

const Frame = ({ children, issues }: { children: React.ReactNode; issues: number }) => {
  const t = useT();
  return (
    <Box background="neutral0" hasRadius shadow="filterShadow" padding={6} data-testid="schema-check">
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" gap={2}>
          <Typography variant="delta" tag="h2">
            {t('schemaCheck.title', 'Schema check')}
          </Typography>
          <Typography variant="pi" textColor={issues ? 'danger600' : 'success600'} fontWeight="bold">
            {issues
              ? t('schemaCheck.issues', '{count, plural, one {# field does not fit} other {# fields do not fit}}', { count: issues })
              : t('schemaCheck.allFit', 'Every field fits')}
          </Typography>
        </Flex>
        {children}
      </Flex>
    </Box>
  );
};

const countIssues = (checks: ProducerCheck[]) => checks.reduce((n, c) => n + c.reports.reduce((m, r) => m + r.issues.length, 0), 0);

/**
 * Producer page: each subscription's producer fields against the local type it writes to, before
 * events start failing (GET /producers/:id/schema-check). Nothing while loading.
 */
export const ProducerSchemaCheckPanel = ({ producerId }: { producerId: number }) => {
  const t = useT();
  const { data, error } = useProducerSchemaCheck(producerId);
  if (error) return <Typography textColor="danger600">{t('schemaCheck.error', 'The schema check could not be loaded.')}</Typography>;
  if (!data || (!data.reports.length && !data.error)) return null;
  return (
    <Frame issues={countIssues([data])}>
      <ProducerReports check={data} />
    </Frame>
  );
};

/** Mapping editor: the check of every subscription that uses this mapping (GET /mappings/:id/schema-check). */
export const MappingSchemaCheckPanel = ({ mappingId }: { mappingId: string | undefined }) => {
  const t = useT();
  const { data, error } = useMappingSchemaCheck(mappingId);
  if (error) return <Typography textColor="danger600">{t('schemaCheck.error', 'The schema check could not be loaded.')}</Typography>;
  if (!data?.length) return null;
  return (
    <Frame issues={countIssues(data)}>
      {data.map((check) => (
        <ProducerReports key={check.producerId} check={check} title={check.producerUrl} />
      ))}
    </Frame>
  );
};
