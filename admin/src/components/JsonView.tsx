import { Box, Button, Flex, Modal, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { styled } from 'styled-components';

import { getTrad } from '../utils/getTrad';

const Pre = styled.pre`
  margin: 0;
  font-family: 'SF Mono', SFMono-Regular, ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace;
  font-size: 1.2rem;
  line-height: 1.6rem;
  white-space: pre-wrap;
  word-break: break-word;
  color: ${({ theme }) => theme.colors.neutral800};
`;

/** Pretty-printed JSON in a scrollable, monospaced box. */
export const JsonBlock = ({ value, maxHeight = '48rem' }: { value: unknown; maxHeight?: string }) => (
  <Box background="neutral100" hasRadius padding={4} borderColor="neutral200" style={{ maxHeight, overflow: 'auto' }}>
    <Pre>{JSON.stringify(value, null, 2) ?? 'null'}</Pre>
  </Box>
);

export interface JsonSection {
  label: string;
  value: unknown;
}

interface JsonModalProps {
  title: string;
  /** Shown above the JSON blocks, e.g. a summary or an error message. */
  children?: React.ReactNode;
  sections: JsonSection[];
  onClose: () => void;
}

/** A modal with one or more labelled JSON blocks (a log entry, its data, ...). */
export const JsonModal = ({ title, children, sections, onClose }: JsonModalProps) => {
  const { formatMessage } = useIntl();
  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <Modal.Header closeLabel={formatMessage({ id: getTrad('common.close'), defaultMessage: 'Close' })}>
          <Modal.Title>{title}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            {children}
            {sections.map((section) => (
              <Flex key={section.label} direction="column" alignItems="stretch" gap={2}>
                <Typography variant="sigma" textColor="neutral600">
                  {section.label}
                </Typography>
                <JsonBlock value={section.value} />
              </Flex>
            ))}
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{formatMessage({ id: getTrad('common.close'), defaultMessage: 'Close' })}</Button>
          </Modal.Close>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
