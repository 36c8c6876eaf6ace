// A read-only value with a Copy button (share links, tokens): copies to the clipboard, or selects
// the text for Ctrl+C when the browser refuses, and says which happened.

import { useRef, useState } from 'react';

interface Props {
  id: string;
  label: string;
  value: string;
  testId?: string;
}

export function CopyField({ id, label, value, testId }: Props) {
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const input = useRef<HTMLInputElement>(null);
  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopy('copied');
    } catch {
      // No clipboard access (insecure origin, denied): select the text so Ctrl+C works.
      input.current?.select();
      setCopy('failed');
    }
  };
  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="inline-form">
        <input id={id} ref={input} data-testid={testId} readOnly value={value} className="input-mono copy-value"
          onFocus={(e) => e.target.select()} />
        <button type="button" onClick={() => void onCopy()}>Copy</button>
      </div>
      <p role="status" className="hint">
        {copy === 'copied' && 'Copied to the clipboard.'}
        {copy === 'failed' && 'The browser would not copy it: the text is selected, press Ctrl+C (⌘C).'}
      </p>
    </div>
  );
}
