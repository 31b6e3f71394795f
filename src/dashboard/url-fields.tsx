import { useRef, useState } from 'preact/hooks';
import { copyText } from './api';

/** How long a signed URL works (exp_); preset URLs are unsigned and cannot expire. */
const EXPIRIES: readonly { label: string; seconds: number | null }[] = [
  { label: 'Never expires', seconds: null },
  { label: 'Expires in 1 hour', seconds: 3600 },
  { label: 'Expires in 1 day', seconds: 86_400 },
  { label: 'Expires in 7 days', seconds: 7 * 86_400 },
  { label: 'Expires in 30 days', seconds: 30 * 86_400 },
];

/** A choice of how long a signed URL works: seconds, or null for never. */
export function ExpirySelect(props: { label: string; testId?: string; value: number | null; onChange: (seconds: number | null) => void }) {
  return (
    <select aria-label={props.label} data-testid={props.testId} value={String(props.value)} onChange={(e) => props.onChange(e.currentTarget.value === 'null' ? null : Number(e.currentTarget.value))}>
      {EXPIRIES.map((option) => (
        <option value={String(option.seconds)}>{option.label}</option>
      ))}
    </select>
  );
}

/**
 * A URL to copy, read-only, with Copy ("Copied!" for the URL copied, until it changes). No URL
 * (still signing, or refused) shows the placeholder and turns Copy off.
 */
export function CopyUrl(props: { url: string; label: string; placeholder: string; testIds: { url: string; copy: string } }) {
  const { url, label, placeholder, testIds } = props;
  const [copied, setCopied] = useState('');
  const input = useRef<HTMLInputElement>(null);
  return (
    <div class="row copy-url">
      <input ref={input} readOnly data-testid={testIds.url} value={url} placeholder={placeholder} aria-label={label} onFocus={(e) => e.currentTarget.select()} />
      <button
        data-testid={testIds.copy}
        class="primary"
        disabled={!url}
        onClick={async () => {
          await copyText(url, input.current);
          setCopied(url);
        }}
      >
        {copied && copied === url ? 'Copied!' : 'Copy'}
      </button>
    </div>
  );
}
