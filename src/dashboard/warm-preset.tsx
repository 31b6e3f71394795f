import { useEffect, useRef, useState } from 'preact/hooks';
import { call, messageOf, param, v1, type PresetView } from './api';

const POLL_MS = 500;

interface Progress {
  pending: number;
  ready: number;
  failed: number;
}

/**
 * "Warm" for one preset: queues its variants of every image (`POST …/warm`), then follows only
 * what that warm queued (`GET …/warm?since=`) with a bar and a live status until none is pending.
 */
export function WarmPreset({ preset }: { preset: PresetView }) {
  const [progress, setProgress] = useState<Progress | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function warm() {
    setError('');
    setRunning(true);
    try {
      const queued = await call(v1.presets(param(preset.id)).warm.post({}));
      setProgress(queued);
      const follow = async () => {
        try {
          const now = await call(v1.presets(param(preset.id)).warm.get({ query: { since: queued.since } }));
          setProgress(now);
          if (now.pending > 0) timer.current = setTimeout(follow, POLL_MS);
          else setRunning(false);
        } catch (e) {
          setError(messageOf(e));
          setRunning(false);
        }
      };
      if (queued.pending > 0) timer.current = setTimeout(follow, POLL_MS);
      else setRunning(false);
    } catch (e) {
      setError(messageOf(e));
      setRunning(false);
    }
  }

  const total = progress ? progress.pending + progress.ready + progress.failed : 0;
  const done = progress ? progress.ready + progress.failed : 0;
  const status = !progress
    ? ''
    : total === 0
      ? 'No images to warm'
      : running
        ? `${progress.ready} of ${total} variants ready${progress.failed ? `, ${progress.failed} failed` : ''}`
        : `Warmed: ${progress.ready} of ${total} variants ready${progress.failed ? `, ${progress.failed} failed` : ''}`;

  return (
    <div class="warm" data-testid="preset-warm">
      <button class="small" data-testid="preset-warm-button" onClick={warm} disabled={running}>
        {running ? 'Warming…' : 'Warm'}
        <span class="visually-hidden"> preset {preset.name}</span>
      </button>
      {progress && total > 0 && <progress max={total} value={done} aria-label={`Warming preset ${preset.name}`} data-testid="preset-warm-progress" />}
      <span class={progress?.failed ? 'warm-status error' : 'warm-status muted'} role="status" aria-live="polite" data-testid="preset-warm-status">
        {error || status}
      </span>
    </div>
  );
}
