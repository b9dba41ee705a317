import * as React from 'react';
import { Box, Flex, Grid, Typography } from '@strapi/design-system';

import { useT, type Message } from '../../hooks/useT';

/** A section's title and the line under it. */
export interface SectionText {
  title: Message;
  hint?: Message;
}

interface FormSectionProps {
  text?: SectionText;
  children: React.ReactNode;
}

/** A white card of a form page, with an optional title and hint. */
export const FormSection = ({ text, children }: FormSectionProps) => {
  const t = useT();
  return (
    <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        {text ? (
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="delta" tag="h2">
              {t(...text.title)}
            </Typography>
            {text.hint ? (
              <Typography variant="pi" textColor="neutral600">
                {t(...text.hint)}
              </Typography>
            ) : null}
          </Flex>
        ) : null}
        {children}
      </Flex>
    </Box>
  );
};

/** Fields side by side: `cols[i]` of 12 columns for the i-th field (full width on small screens). */
export const FormGrid = ({ cols, children }: { cols: number[]; children: React.ReactNode[] }) => (
  <Grid.Root gap={4}>
    {children.map((child, index) => (
      <Grid.Item key={index} col={cols[index]} s={12} direction="column" alignItems="stretch">
        {child}
      </Grid.Item>
    ))}
  </Grid.Root>
);
