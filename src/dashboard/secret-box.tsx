import { useRef, useState } from 'preact/hooks';
import { copyText } from './api';

/** A secret shown exactly once, with a copy button and a warning. */
export function SecretBox({ label, secret, testId, note }: { label: string; secret: string; testId?: string; note?: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  return (
    <div class="secret" role="status">
      <strong>{label}</strong>
      <div class="row">
        <input ref={input} readOnly value={secret} data-testid={testId} aria-label={label} onFocus={(e) => e.currentTarget.select()} />
        <button
          onClick={async () => {
            await copyText(secret, input.current);
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p class="warning">{note ?? 'Copy it now: it is shown only once and cannot be recovered.'}</p>
    </div>
  );
}
