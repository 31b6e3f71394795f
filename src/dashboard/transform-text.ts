import { canonicalize } from '../core/transform/parse';
import { OPS, type TransformKey } from '../core/transform/registry';

/** The canonical value text of each key a transform string sets, as far as it parses. */
export type SegmentValues = Partial<Record<TransformKey, string>>;

const ORDER: readonly string[] = OPS.map((op) => op.key);
const keyOf = (segment: string) => segment.slice(0, Math.max(0, segment.indexOf('_')));

/** A string's keys, each as typed (`typed`) and, where its segment parses, in canonical text (`parsed`). */
export interface Segments {
  typed: SegmentValues;
  parsed: SegmentValues;
}

/**
 * What the playground's controls show for a typed string: each segment on its own, parsed with
 * the server's parser, the first where a key repeats. A half-typed or bad segment leaves the
 * rest readable (the server names what is wrong with the whole), and a field typed into keeps
 * its half-typed text.
 */
export function segmentValues(text: string): Segments {
  const typed: Record<string, string> = {};
  const parsed: Record<string, string> = {};
  for (const segment of text.split(',')) {
    const key = keyOf(segment);
    if (!key || Object.hasOwn(typed, key)) continue;
    typed[key] = segment.slice(key.length + 1);
    try {
      parsed[key] = canonicalize(segment).slice(key.length + 1);
    } catch {
      // Shown as typed only.
    }
  }
  return { typed, parsed };
}

/**
 * The string with one key set to `value` (null: removed). The segment is replaced where it
 * stands, so what the user typed elsewhere stays as typed; a new key goes in at its canonical
 * place, so a string built with the controls reads as the server's canonical form.
 */
export function withSegment(text: string, key: TransformKey, value: string | null): string {
  const segments = text === '' ? [] : text.split(',');
  const at = segments.findIndex((s) => keyOf(s) === key);
  if (value === null) {
    if (at >= 0) segments.splice(at, 1);
  } else if (at >= 0) {
    segments[at] = `${key}_${value}`;
  } else {
    const rank = ORDER.indexOf(key);
    const later = segments.findIndex((s) => ORDER.indexOf(keyOf(s)) > rank);
    segments.splice(later < 0 ? segments.length : later, 0, `${key}_${value}`);
  }
  return segments.join(',');
}
