import { useEffect, useState } from 'preact/hooks';
import { messageOf, signUrl, type ImageView } from './api';

type Point = { x: number; y: number };

// Each drawn 80 px high, signed at twice that for sharp screens, and still a few KB each.
const CROPS = [
  { shape: 'square', label: '1:1', name: 'Square crop', transform: 'w_160,h_160,c_fill,f_webp' },
  { shape: 'wide', label: '16:9', name: '16:9 crop', transform: 'w_288,h_162,c_fill,f_webp' },
  { shape: 'portrait', label: '4:5', name: '4:5 crop', transform: 'w_128,h_160,c_fill,f_webp' },
] as const;

const STEP = 0.05;
const FINE_STEP = 0.01;
const clamp = (n: number) => Math.min(1, Math.max(0, n));
const rounded = (n: number) => Math.round(clamp(n) * 1000) / 1000;
const percent = (n: number) => `${Math.round(n * 100)}%`;
const describe = (p: Point) => `${percent(p.x)} from left, ${percent(p.y)} from top`;

/**
 * The large preview as a focal point picker: a click sets the point, arrow keys move it and
 * Enter or Space saves it; beside it, three crops as delivery makes them, which follow the point.
 */
export function FocalPointEditor(props: { image: ImageView; preview: string; onSave: (point: Point | null) => Promise<boolean> }) {
  const { image, preview, onSave } = props;
  const saved = image.focalPoint;
  // A point moved with the keyboard, or clicked and still being saved: shown, not yet stored.
  const [draft, setDraft] = useState<Point | null>(null);
  const [saving, setSaving] = useState(false);
  const [crops, setCrops] = useState<string[]>([]);
  const [cropError, setCropError] = useState('');
  const [announcement, setAnnouncement] = useState('');
  const shown = draft ?? saved;

  useEffect(() => {
    Promise.all(CROPS.map((crop) => signUrl(image.id, { transform: crop.transform }))).then(
      (signed) => setCrops(signed.map((s) => s.url)),
      (e) => setCropError(messageOf(e)),
    );
  }, [image.version]);

  const save = async (point: Point | null) => {
    setDraft(point);
    setSaving(true);
    setAnnouncement(point ? `Saving the focal point at ${describe(point)}…` : 'Clearing the focal point…');
    const stored = await onSave(point);
    setSaving(false);
    // A failed save keeps the draft (the panel shows why), so Enter can try again.
    if (!stored) return setAnnouncement('The focal point was not saved.');
    setDraft(null);
    setAnnouncement(point ? `Focal point saved at ${describe(point)}.` : 'Focal point cleared: crops keep the middle.');
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.shiftKey ? FINE_STEP : STEP;
    const from = shown ?? { x: 0.5, y: 0.5 };
    const moves: Record<string, Point> = {
      ArrowLeft: { x: from.x - step, y: from.y },
      ArrowRight: { x: from.x + step, y: from.y },
      ArrowUp: { x: from.x, y: from.y - step },
      ArrowDown: { x: from.x, y: from.y + step },
    };
    const moved = moves[e.key];
    if (moved) {
      e.preventDefault();
      const next = { x: rounded(moved.x), y: rounded(moved.y) };
      setDraft(next);
      setAnnouncement(`${describe(next)}. Enter saves.`);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (draft && !saving) void save(draft);
    }
  };

  const onClick = (e: MouseEvent) => {
    if (saving) return; // one save at a time: answers arriving out of order would show the older point
    const box = (e.currentTarget as HTMLElement).getBoundingClientRect();
    void save({ x: rounded((e.clientX - box.left) / box.width), y: rounded((e.clientY - box.top) / box.height) });
  };

  const status = () => {
    if (saving) return 'Saving…';
    if (draft) return `${describe(draft)}: not saved, Enter saves`;
    if (saved) return `Focal point: ${describe(saved)}`;
    return 'No focal point: crops keep the middle. Click the picture to set one.';
  };

  // Delivered crops are cached as immutable and the point is not a new version: a query the
  // server ignores tells this browser a moved point is a new picture.
  const cropUrl = (url: string) => `${url}${url.includes('?') ? '&' : '?'}fp=${saved ? `${saved.x},${saved.y}` : 'none'}`;

  return (
    <section class="focus" aria-label="Focal point">
      <div
        class="focus-picker"
        data-testid="focus-picker"
        role="application"
        tabIndex={0}
        aria-label="Focal point picker: click the picture, or move the point with the arrow keys (Shift for finer steps) and save with Enter"
        aria-describedby="focus-status"
        style={{ '--ratio': `${image.width / image.height}` }}
        onClick={onClick}
        onKeyDown={onKeyDown}
      >
        {preview && <img class="preview" src={preview} alt={image.originalName} draggable={false} />}
        {shown && (
          <span
            class={draft ? 'focus-marker draft' : 'focus-marker'}
            data-testid="focus-marker"
            aria-hidden="true"
            style={{ left: `${shown.x * 100}%`, top: `${shown.y * 100}%` }}
          />
        )}
      </div>
      <div class="row spread focus-bar">
        <p id="focus-status" class="muted" data-testid="focus-status">
          {status()}
        </p>
        <button class="small" disabled={!saved || saving} onClick={() => void save(null)}>
          Clear focal point
        </button>
      </div>
      <p class="visually-hidden" aria-live="polite" data-testid="focus-announcement">
        {announcement}
      </p>
      <div class="crops">
        {CROPS.map((crop, i) => (
          <figure class={`crop crop-${crop.shape}`}>
            {crops[i] ? (
              <img src={cropUrl(crops[i]!)} alt={`${crop.name} of ${image.originalName}`} data-testid={`crop-${crop.shape}`} />
            ) : (
              <span class="crop-placeholder" />
            )}
            <figcaption>{crop.label}</figcaption>
          </figure>
        ))}
      </div>
      {cropError && <p class="error">{cropError}</p>}
    </section>
  );
}
