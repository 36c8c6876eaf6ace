// A labelled form control with an optional hint and the server's messages for it. The control is
// given its id and the aria attributes that tie the hint and the messages to it.

import type { ReactNode } from 'react';

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

interface Props {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: readonly string[];
  children: (control: ControlProps) => ReactNode;
}

export function FormField({ id, label, hint, errors = [], children }: Props) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors.length > 0 ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={errors.length > 0 ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': errors.length > 0 ? true : undefined })}
      {hint && <p id={hintId} className="hint">{hint}</p>}
      {errors.length > 0 && (
        <ul id={errorId} className="field-errors" data-testid={`${id}-errors`}>
          {errors.map((message) => <li key={message}>{message}</li>)}
        </ul>
      )}
    </div>
  );
}
