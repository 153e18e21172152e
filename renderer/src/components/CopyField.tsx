// A read-only value with a copy button: navigator.clipboard when allowed, else select + execCommand('copy').
import { useId, useRef, useState } from 'react';

export async function copyText(text: string, fallbackInput: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // clipboard permission denied (e.g. plain http on the LAN): fall back below
  }
  if (!fallbackInput) return false;
  fallbackInput.focus();
  fallbackInput.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}

export function CopyField(props: { label: string; value: string; testId: string; hint?: string }) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'idle' | 'ok' | 'failed'>('idle');
  const onCopy = () => {
    void copyText(props.value, inputRef.current).then((ok) => setCopied(ok ? 'ok' : 'failed'));
  };
  return (
    <div className="copy-field">
      <label htmlFor={id}>{props.label}</label>
      <div className="copy-row">
        <input
          id={id}
          ref={inputRef}
          readOnly
          value={props.value}
          data-testid={props.testId}
          spellCheck={false}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" onClick={onCopy} aria-label={`Copy ${props.label}`}>
          {copied === 'ok' ? 'Copied ✓' : 'Copy'}
        </button>
      </div>
      {copied === 'failed' && (
        <p className="field-error">Could not copy automatically: the text is selected, press Ctrl+C (⌘C on a Mac).</p>
      )}
      {props.hint && <p className="hint">{props.hint}</p>}
    </div>
  );
}
