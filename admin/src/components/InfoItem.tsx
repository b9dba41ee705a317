import * as React from 'react';
import { Grid, Typography } from '@strapi/design-system';

import { useT } from '../hooks/useT';

/** One labelled value of a card's grid (producer health, consumer details). */
export const InfoItem = ({ label, col, children }: { label: string; col: number; children: React.ReactNode }) => (
  <Grid.Item col={col} s={6} xs={12} direction="column" alignItems="flex-start" gap={1}>
    <Typography variant="sigma" textColor="neutral600">
      {label}
    </Typography>
    {children}
  </Grid.Item>
);

/** How far a reader is: "#12 of #15". */
export const CursorValue = ({ at, head }: { at: number; head: number }) => {
  const t = useT();
  return <Typography>{t('producers.health.cursorValue', '#{pulled} of #{head}', { pulled: at, head })}</Typography>;
};

/** Events not read yet, in warning colour when there are any (`#` formats the number in the admin's locale). */
export const LagValue = ({ lag }: { lag: number }) => {
  const t = useT();
  return (
    <Typography fontWeight="bold" textColor={lag > 0 ? 'warning600' : 'success600'}>
      {t('producers.health.lagValue', '{lag, plural, one {# event} other {# events}}', { lag })}
    </Typography>
  );
};
