// The pieces every Settings section shares: a labelled field with its hint and error, and what a section gets
// from the editor (the form, the saved settings, the errors to show, the setter and the input attributes).
import type { ReactNode } from 'react';
import type { PublicSettings } from '../../../shared/settings.js';
import type { FormErrors, SettingsField, SettingsForm } from '../lib/settings-form.js';

export interface SettingsSectionProps {
  form: SettingsForm;
  saved: PublicSettings;
  errors: FormErrors;
  set: <K extends SettingsField>(field: K, value: SettingsForm[K]) => void;
  /** id and aria attributes of a field's input (its label, hint and error point at them) */
  inputProps: (field: SettingsField) => {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
  };
}

export function Field(props: {
  field: SettingsField;
  label: string;
  errors: FormErrors;
  hint?: string;
  children: ReactNode;
}) {
  const error = props.errors[props.field];
  return (
    <div className="form-row">
      <label htmlFor={`settings-${props.field}`}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p className="hint" id={`settings-${props.field}-hint`}>
          {props.hint}
        </p>
      )}
      {error && (
        <p className="field-error" data-testid={`settings-error-${props.field}`} id={`settings-${props.field}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
