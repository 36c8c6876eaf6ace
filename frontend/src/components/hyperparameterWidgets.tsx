// The hyperparameter form's own pieces for @rjsf/core: a one-per-line text area for lists of
// strings (LoRA target modules) instead of rjsf's add/remove rows, and the folded "Training"
// section that holds the ~25 settings every method shares, collapsed until it is opened or one of
// its fields has an error.

import type { ErrorSchema, ObjectFieldTemplateProps, WidgetProps } from '@rjsf/utils';
import { useEffect, useState } from 'react';

/** A list from the text area: one value per line (commas also split), blanks dropped. */
export function parseList(text: string): string[] {
  return text.split(/[\n,]/).map((line) => line.trim()).filter((line) => line !== '');
}

/** The text area's text for a list (null or undefined: empty). */
export function listText(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join('\n') : '';
}

const sameList = (a: unknown, b: readonly string[]) =>
  (Array.isArray(a) ? a.map(String) : []).join('\n') === b.join('\n');

export function StringListWidget(props: WidgetProps) {
  // The field template around it draws the label, the description and the errors.
  const { id, value, onChange, onBlur, onFocus, disabled, readonly, schema, rawErrors } = props;
  const nullable = Array.isArray(schema.type) && schema.type.includes('null');
  const [text, setText] = useState(() => listText(value));
  // A value set from outside (a clone, a template) replaces the text; the user's own edits,
  // blank lines included, stay as typed.
  const [seen, setSeen] = useState<unknown>(value);
  if (seen !== value) {
    setSeen(value);
    if (!sameList(value, parseList(text))) setText(listText(value));
  }
  const hintId = `${id}__list-hint`;
  return (
    <>
      <textarea
        id={id}
        className="list-input input-mono"
        rows={Math.min(8, Math.max(3, parseList(text).length + 1))}
        value={text}
        disabled={disabled || readonly}
        aria-describedby={schema.description ? `${id}__description ${hintId}` : hintId}
        aria-invalid={rawErrors && rawErrors.length > 0 ? true : undefined}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          const list = parseList(next);
          onChange(list.length === 0 && nullable ? null : list);
        }}
        onBlur={() => onBlur(id, value)}
        onFocus={() => onFocus(id, value)}
      />
      <p id={hintId} className="hint">
        One per line.{nullable ? ' Left empty: the default.' : ''}
      </p>
    </>
  );
}

/** Whether an rjsf error tree holds a message anywhere. */
export function hasErrors(tree: ErrorSchema | undefined): boolean {
  if (!tree || typeof tree !== 'object') return false;
  return Object.entries(tree).some(([key, inner]) => (
    key === '__errors' ? Array.isArray(inner) && inner.length > 0 : hasErrors(inner as ErrorSchema)
  ));
}

/** An object's fields inside a collapsed <details>, opened by hand or by an error inside it. */
export function FoldedObjectTemplate(props: ObjectFieldTemplateProps) {
  const { title, description, properties, fieldPathId, errorSchema } = props;
  const withErrors = hasErrors(errorSchema);
  const [open, setOpen] = useState(withErrors);
  useEffect(() => {
    if (withErrors) setOpen(true);
  }, [withErrors]);
  const shown = properties.filter((property) => !property.hidden);
  return (
    <details
      id={fieldPathId.$id}
      className="folded-section"
      open={open}
      data-testid="training-section"
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary>
        <span className="folded-title">{title}</span>{' '}
        <span className="muted">({shown.length} settings shared by every method{withErrors ? '; some are not valid' : ''})</span>
      </summary>
      {description && <p className="field-description">{description}</p>}
      <div className="folded-body">{properties.map((property) => property.content)}</div>
    </details>
  );
}
