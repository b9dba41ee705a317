import { Box } from '@strapi/design-system';

/**
 * A full-width progress bar for the plugin's cards (back-fill, catch-up). The design system's
 * ProgressBar is 10 rem wide and drawn for dark surfaces (a white indicator on neutral600), so on a
 * white card a finished bar looked empty. `value` 0–100; null: unknown (a faint bar, no fill).
 */
export const ProgressLine = ({ value, label, color = 'primary600' }: { value: number | null; label: string; color?: string }) => (
  <Box
    role="progressbar"
    aria-label={label}
    aria-valuemin={0}
    aria-valuemax={100}
    aria-valuenow={value ?? undefined}
    background="neutral150"
    hasRadius
    height="0.8rem"
    width="100%"
    overflow="hidden"
  >
    <Box background={color} height="100%" style={{ width: `${value ?? 0}%`, transition: 'width 320ms ease-out' }} />
  </Box>
);
