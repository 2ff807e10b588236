import type { ReactNode } from 'react';
import { Checkbox, FieldError, Radio, RadioGroup, Input, Label, ListBox, ListBoxItem, Popover, Select, SelectValue, Text, TextArea, TextField, Button } from 'react-aria-components';
import { useController, type Control, type FieldPath, type FieldValues } from 'react-hook-form';

/**
 * Form fields: react-aria-components (labels, descriptions and errors wired for assistive
 * technology) driven by react-hook-form. Every form in the app is built from these.
 */
interface FieldProps<T extends FieldValues> {
  control: Control<T>;
  name: FieldPath<T>;
  label: ReactNode;
  description?: ReactNode;
  isRequired?: boolean;
}

export function TextInputField<T extends FieldValues>({
  control,
  name,
  label,
  description,
  isRequired,
  type = 'text',
  autoComplete,
  inputMode,
  multiline,
  autoFocus,
}: FieldProps<T> & {
  type?: 'text' | 'password' | 'email' | 'number' | 'datetime-local' | 'date' | 'search' | 'tel';
  autoComplete?: string;
  inputMode?: 'text' | 'numeric' | 'decimal' | 'email' | 'tel' | 'search';
  multiline?: boolean;
  autoFocus?: boolean;
}) {
  const { field, fieldState } = useController({ control, name });
  return (
    <TextField
      className="field"
      name={field.name}
      type={type}
      value={field.value == null ? '' : String(field.value)}
      onChange={field.onChange}
      onBlur={field.onBlur}
      isInvalid={fieldState.invalid}
      isRequired={isRequired ?? false}
      validationBehavior="aria"
      {...(autoComplete ? { autoComplete } : {})}
      {...(inputMode ? { inputMode } : {})}
      {...(autoFocus ? { autoFocus } : {})}
    >
      <Label>{label}</Label>
      {multiline ? <TextArea ref={field.ref} rows={4} /> : <Input ref={field.ref} />}
      {description ? <Text slot="description">{description}</Text> : null}
      <FieldError>{fieldState.error?.message}</FieldError>
    </TextField>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField<T extends FieldValues>({ control, name, label, description, isRequired, options, placeholder }: FieldProps<T> & { options: readonly Option[]; placeholder?: string }) {
  const { field, fieldState } = useController({ control, name });
  return (
    <Select
      className="field"
      name={field.name}
      value={field.value === '' || field.value == null ? null : String(field.value)}
      onChange={(key) => field.onChange(key ?? '')}
      onBlur={field.onBlur}
      isInvalid={fieldState.invalid}
      isRequired={isRequired ?? false}
      validationBehavior="aria"
      {...(placeholder ? { placeholder } : {})}
    >
      <Label>{label}</Label>
      <Button className="select-button" ref={field.ref}>
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </Button>
      {description ? <Text slot="description">{description}</Text> : null}
      <FieldError>{fieldState.error?.message}</FieldError>
      <Popover className="select-popover">
        <ListBox className="select-list">
          {options.map((option) => (
            <ListBoxItem key={option.value} id={option.value} className="select-option">
              {option.label}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

export function CheckboxField<T extends FieldValues>({ control, name, label }: Omit<FieldProps<T>, 'description' | 'isRequired'>) {
  const { field } = useController({ control, name });
  return (
    <Checkbox className="checkbox" name={field.name} isSelected={Boolean(field.value)} onChange={field.onChange} onBlur={field.onBlur}>
      <span className="checkbox-box" aria-hidden="true" />
      {label}
    </Checkbox>
  );
}

/** One choice among a few, as large buttons: quicker than a list on a phone in the field. */
export function ChoiceField<T extends FieldValues>({ control, name, label, options }: Omit<FieldProps<T>, 'description' | 'isRequired'> & { options: readonly Option[] }) {
  const { field, fieldState } = useController({ control, name });
  return (
    <RadioGroup
      className="field choice"
      name={field.name}
      value={field.value == null ? '' : String(field.value)}
      onChange={field.onChange}
      isInvalid={fieldState.invalid}
      orientation="horizontal"
    >
      <Label>{label}</Label>
      <div className="choice-options">
        {options.map((option) => (
          <Radio key={option.value} value={option.value} className="choice-option">
            {option.label}
          </Radio>
        ))}
      </div>
      <FieldError>{fieldState.error?.message}</FieldError>
    </RadioGroup>
  );
}
