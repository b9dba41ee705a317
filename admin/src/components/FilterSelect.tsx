import { Box, SingleSelect, SingleSelectOption } from '@strapi/design-system';

const ALL = '__all__';

export interface FilterOption {
  value: string;
  label: string;
}

interface FilterSelectProps {
  /** Accessible label, also the placeholder. */
  label: string;
  /** Label of the "no filter" option. */
  allLabel: string;
  value: string | undefined;
  options: FilterOption[];
  onChange: (value: string | undefined) => void;
  disabled?: boolean;
  width?: string;
}

/** A compact select for a list filter; choosing the "all" option clears the filter. */
export const FilterSelect = ({ label, allLabel, value, options, onChange, disabled, width = '24rem' }: FilterSelectProps) => (
  <Box minWidth={width}>
    <SingleSelect
      aria-label={label}
      size="S"
      value={value ?? ALL}
      disabled={disabled}
      onChange={(next: string | number) => onChange(next === ALL ? undefined : String(next))}
    >
      <SingleSelectOption value={ALL}>{allLabel}</SingleSelectOption>
      {options.map((option) => (
        <SingleSelectOption key={option.value} value={option.value}>
          {option.label}
        </SingleSelectOption>
      ))}
    </SingleSelect>
  </Box>
);
