import * as React from 'react';
import { Box, Flex, Grid, Typography } from '@strapi/design-system';

interface FormSectionProps {
  title?: string;
  /** A line under the title. */
  hint?: string;
  children: React.ReactNode;
}

/** A white card of a form page, with an optional title and hint. */
export const FormSection = ({ title, hint, children }: FormSectionProps) => (
  <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
    <Flex direction="column" alignItems="stretch" gap={4}>
      {title ? (
        <Flex direction="column" alignItems="flex-start" gap={1}>
          <Typography variant="delta" tag="h2">
            {title}
          </Typography>
          {hint ? (
            <Typography variant="pi" textColor="neutral600">
              {hint}
            </Typography>
          ) : null}
        </Flex>
      ) : null}
      {children}
    </Flex>
  </Box>
);

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
