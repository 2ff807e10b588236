import type { ReactNode } from 'react';
import { Checkbox, CheckboxGroup, FieldError, Label, Text } from 'react-aria-components';
import { useController, type Control, type FieldPath, type FieldValues } from 'react-hook-form';
import type { Option } from './fields';
import './choices.css';

/**
 * Several choices among a few (service types, aggravating circumstances): a labelled group of
 * checkboxes bound to a string array, in the same react-aria + react-hook-form way as fields.tsx.
 */
export function CheckboxGroupField<T extends FieldValues>({
  control,
  name,
  label,
  description,
  options,
}: {
  control: Control<T>;
  name: FieldPath<T>;
  label: ReactNode;
  description?: ReactNode;
  options: readonly Option[];
}) {
  const { field, fieldState } = useController({ control, name });
  return (
    <CheckboxGroup
      className="field checkbox-group"
      name={field.name}
      value={Array.isArray(field.value) ? (field.value as string[]) : []}
      onChange={field.onChange}
      onBlur={field.onBlur}
      isInvalid={fieldState.invalid}
      validationBehavior="aria"
    >
      <Label>{label}</Label>
      {description ? <Text slot="description">{description}</Text> : null}
      <div className="checkbox-options">
        {options.map((option) => (
          <Checkbox key={option.value} value={option.value} className="checkbox">
            <span className="checkbox-box" aria-hidden="true" />
            {option.label}
          </Checkbox>
        ))}
      </div>
      <FieldError>{fieldState.error?.message}</FieldError>
    </CheckboxGroup>
  );
}
