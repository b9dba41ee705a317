import * as React from 'react';
import { Field, SingleSelect, SingleSelectOption, Textarea, TextInput, Toggle } from '@strapi/design-system';

/** What every form field takes: its name (error paths), label, and the Field's states. */
interface FieldProps {
  name: string;
  label: string;
  /** In a table row: no visible label, the label is the input's accessible name. */
  labelHidden?: boolean;
  error?: string;
  hint?: string;
  required?: boolean;
  disabled?: boolean;
}

/** Field.Root with its label, error and hint around one input. */
const FieldFrame = ({ name, label, labelHidden, error, hint, required, children }: FieldProps & { children: React.ReactNode }) => (
  <Field.Root name={name} error={error} hint={hint} required={required}>
    {labelHidden ? null : <Field.Label>{label}</Field.Label>}
    {children}
    <Field.Error />
    <Field.Hint />
  </Field.Root>
);

interface TextFieldProps extends FieldProps {
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  type?: 'text' | 'url' | 'password';
  autoComplete?: string;
  /** A Textarea instead of a one-line input. */
  multiline?: boolean;
}

export const TextField = ({ value, onChange, placeholder, type, autoComplete, multiline, ...field }: TextFieldProps) => {
  const input = {
    'aria-label': field.labelHidden ? field.label : undefined,
    placeholder,
    value,
    disabled: field.disabled,
  };
  return (
    <FieldFrame {...field}>
      {multiline ? (
        <Textarea {...input} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => onChange(e.target.value)} />
      ) : (
        <TextInput
          {...input}
          type={type}
          autoComplete={autoComplete}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
        />
      )}
    </FieldFrame>
  );
};

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

/** A mapping as a select option (by its unique name). */
export const mappingOption = ({ mappingName }: { mappingName: string }): SelectOption => ({ value: mappingName, label: mappingName });

const NONE = '__none__';

interface SelectFieldProps extends FieldProps {
  value: string | null;
  options: SelectOption[];
  onChange: (value: string | null) => void;
  placeholder?: string;
  /** Label of a first option that stands for null ("None"); without it, null shows the placeholder. */
  noneLabel?: string;
}

/**
 * A select over `options`. A current value that is not among them (a type or mapping that no
 * longer exists) is still shown, as itself, so saving does not silently drop it.
 */
export const SelectField = ({ value, options, onChange, placeholder, noneLabel, ...field }: SelectFieldProps) => {
  const unknown = value && !options.some((option) => option.value === value) ? value : null;
  return (
    <FieldFrame {...field}>
      <SingleSelect
        aria-label={field.labelHidden ? field.label : undefined}
        placeholder={placeholder}
        value={value ?? (noneLabel ? NONE : null)}
        disabled={field.disabled}
        onChange={(next: string | number) => onChange(next === NONE ? null : String(next))}
      >
        {noneLabel ? <SingleSelectOption value={NONE}>{noneLabel}</SingleSelectOption> : null}
        {unknown ? <SingleSelectOption value={unknown}>{unknown}</SingleSelectOption> : null}
        {options.map((option) => (
          <SingleSelectOption key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </SingleSelectOption>
        ))}
      </SingleSelect>
    </FieldFrame>
  );
};

interface ToggleFieldProps extends FieldProps {
  checked: boolean;
  onChange: (checked: boolean) => void;
  onLabel: string;
  offLabel: string;
}

export const ToggleField = ({ checked, onChange, onLabel, offLabel, ...field }: ToggleFieldProps) => (
  <FieldFrame {...field}>
    <Toggle
      onLabel={onLabel}
      offLabel={offLabel}
      checked={checked}
      disabled={field.disabled}
      onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(e.target.checked)}
    />
  </FieldFrame>
);
