import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { FLIPS } from '../core/transform/ops/flip';
import { GRAVITIES } from '../core/transform/ops/gravity';
import { AUTO_QUALITY_LEVELS } from '../core/transform/ops/quality';
import { ANGLES } from '../core/transform/ops/rotate';
import type { TransformKey } from '../core/transform/registry';
import { FIT_MODES, MAX_DIMENSION, OUTPUT_FORMATS } from '../core/transform/types';
import type { Segments } from './transform-text';

type Option = readonly [value: string, label: string];

/** One control: which key it writes, and how it shows the key's value text. */
export type ControlSpec = { key: TransformKey; label: string } & (
  | { kind: 'number'; min: number; max: number }
  | { kind: 'select'; blank: string; options: readonly Option[] }
  /** 0 is "off" (the key absent). */
  | { kind: 'slider'; max: number }
  | { kind: 'toggle'; value: string }
  | { kind: 'colour' }
  | { kind: 'text'; placeholder: string }
  | { kind: 'quality' }
);

const plain = (values: readonly (string | number)[]): Option[] => values.map((v) => [String(v), String(v)]);

const FIT_LABELS: Record<string, string> = { fill: 'fill (crop)', cover: 'cover (crop)', contain: 'contain (pad)' };
const GRAVITY_LABELS: Record<string, string> = { auto: 'auto (smart: the most salient part)', focus: 'focus (the focal point)' };
const FLIP_LABELS: Record<string, string> = { h: 'left to right', v: 'top to bottom', hv: 'both' };
const labelled = (values: readonly string[], labels: Record<string, string>): Option[] => values.map((v) => [v, labels[v] ?? v.replace('_', ' ')]);

/**
 * The playground's controls, grouped as the pipeline runs. The choices come from the
 * registry's own vocabulary; `exp` is the URL's expiry, chosen beside the URL instead.
 */
export const CONTROL_GROUPS: readonly { legend: string; controls: readonly ControlSpec[] }[] = [
  {
    legend: 'Size and crop',
    controls: [
      { key: 'w', label: 'Width', kind: 'number', min: 1, max: MAX_DIMENSION },
      { key: 'h', label: 'Height', kind: 'number', min: 1, max: MAX_DIMENSION },
      { key: 'c', label: 'Fit', kind: 'select', blank: 'fit (default)', options: labelled(FIT_MODES.filter((m) => m !== 'fit'), FIT_LABELS) },
      { key: 'g', label: 'Gravity', kind: 'select', blank: 'default', options: labelled(GRAVITIES, GRAVITY_LABELS) },
      { key: 'dpr', label: 'Pixel ratio', kind: 'select', blank: '1 (default)', options: plain([1.5, 2, 3, 4]) },
      { key: 'cr', label: 'Region (x:y:w:h)', kind: 'text', placeholder: '0:0:400:300' },
    ],
  },
  {
    legend: 'Output',
    controls: [
      { key: 'f', label: 'Format', kind: 'select', blank: 'default', options: [...plain(OUTPUT_FORMATS), ['auto', 'auto (per browser)']] },
      { key: 'q', label: 'Quality', kind: 'quality' },
      { key: 'fr', label: 'Frame', kind: 'number', min: 1, max: 100_000 },
    ],
  },
  {
    legend: 'Adjust',
    controls: [
      { key: 'a', label: 'Rotate', kind: 'select', blank: 'none', options: ANGLES.map((a) => [String(a), `${a}°`] as const) },
      { key: 'flip', label: 'Flip', kind: 'select', blank: 'none', options: labelled(FLIPS, FLIP_LABELS) },
      { key: 'trim', label: 'Trim borders', kind: 'number', min: 1, max: 100 },
      { key: 'blur', label: 'Blur', kind: 'slider', max: 100 },
      { key: 'sharpen', label: 'Sharpen', kind: 'slider', max: 100 },
      { key: 'e', label: 'Grayscale', kind: 'toggle', value: 'grayscale' },
      { key: 'b', label: 'Background', kind: 'colour' },
    ],
  },
];

type SetKey = (key: TransformKey, value: string | null) => void;
const orNull = (value: string) => (value === '' ? null : value);

/**
 * A label over its control, tied by id rather than by wrapping, so that the control's name is
 * the label alone ("Quality", not "Quality auto: eco"); `shown` is a value printed beside it.
 */
function Field({ label, shown, children }: { label: string; shown?: string; children: (id: string) => ComponentChildren }) {
  const id = useId();
  return (
    <div class="pg-field">
      <div class="pg-field-head">
        <label for={id}>{label}</label>
        {shown !== undefined && (
          <span class="pg-value" aria-hidden="true">
            {shown}
          </span>
        )}
      </div>
      {children(id)}
    </div>
  );
}

/** Options, plus the value typed in the string when it is none of them (dpr_1.25). */
function Options({ blank, options, value }: { blank: string; options: readonly Option[]; value: string }) {
  const all = value && !options.some(([v]) => v === value) ? [...options, [value, value] as const] : options;
  return (
    <>
      <option value="">{blank}</option>
      {all.map(([v, label]) => (
        <option value={v}>{label}</option>
      ))}
    </>
  );
}

const QUALITY_CHOICES: Option[] = [['auto', 'auto (good)'], ...AUTO_QUALITY_LEVELS.filter((l) => l !== 'good').map((l) => [`auto:${l}`, `auto: ${l}`] as const), ['fixed', 'fixed…']];

function QualityControl({ value, onSet }: { value: string; onSet: SetKey }) {
  const fixed = /^\d+$/.test(value);
  return (
    <>
      <Field label="Quality">
        {(id) => (
          <select id={id} value={fixed ? 'fixed' : value} onChange={(e) => onSet('q', e.currentTarget.value === 'fixed' ? '80' : orNull(e.currentTarget.value))}>
            <Options blank="default" options={QUALITY_CHOICES} value={fixed ? 'fixed' : value} />
          </select>
        )}
      </Field>
      {fixed && (
        <Field label="Fixed quality" shown={value}>
          {(id) => <input id={id} type="range" min={1} max={100} value={value} onInput={(e) => onSet('q', e.currentTarget.value)} />}
        </Field>
      )}
    </>
  );
}

function ColourControl({ value, onSet }: { value: string; onSet: SetKey }) {
  // A colour input knows no alpha: a typed rrggbbaa keeps its alpha when the colour changes.
  const alpha = value.slice(6);
  return (
    <div class="pg-colour">
      <label class="check">
        <input type="checkbox" checked={value !== ''} onChange={(e) => onSet('b', e.currentTarget.checked ? 'ffffff' : null)} />
        Background
      </label>
      <input type="color" aria-label="Background colour" disabled={value === ''} value={`#${value.slice(0, 6) || 'ffffff'}`} onInput={(e) => onSet('b', e.currentTarget.value.slice(1) + alpha)} />
    </div>
  );
}

/** `value`: the key's canonical text ('' when absent or not valid); `typed`: as typed, for fields being typed into. */
function Control({ spec, value, typed, onSet }: { spec: ControlSpec; value: string; typed: string; onSet: SetKey }) {
  const write = (text: string) => onSet(spec.key, orNull(text));
  switch (spec.kind) {
    case 'quality':
      return <QualityControl value={value} onSet={onSet} />;
    case 'colour':
      return <ColourControl value={value} onSet={onSet} />;
    case 'toggle':
      return (
        <label class="check">
          <input type="checkbox" checked={value === spec.value} onChange={(e) => write(e.currentTarget.checked ? spec.value : '')} />
          {spec.label}
        </label>
      );
    case 'select':
      return (
        <Field label={spec.label}>
          {(id) => (
            <select id={id} value={value} onChange={(e) => write(e.currentTarget.value)}>
              <Options blank={spec.blank} options={spec.options} value={value} />
            </select>
          )}
        </Field>
      );
    case 'slider':
      return (
        <Field label={spec.label} shown={value || 'off'}>
          {(id) => (
            <input id={id} type="range" min={0} max={spec.max} value={value || '0'} aria-valuetext={value || 'off'} onInput={(e) => write(e.currentTarget.value === '0' ? '' : e.currentTarget.value)} />
          )}
        </Field>
      );
    case 'number':
      return (
        <Field label={spec.label}>
          {(id) => <input id={id} type="number" inputMode="numeric" min={spec.min} max={spec.max} value={typed} placeholder="—" onInput={(e) => write(e.currentTarget.value)} />}
        </Field>
      );
    case 'text':
      return (
        <Field label={spec.label}>
          {(id) => <input id={id} value={typed} placeholder={spec.placeholder} spellcheck={false} onInput={(e) => write(e.currentTarget.value)} />}
        </Field>
      );
  }
}

/** Every control of the playground, each showing what the string sets and writing its key back into it. */
export function TransformControls({ segments, animated, onSet }: { segments: Segments; animated: boolean; onSet: SetKey }) {
  const { parsed, typed } = segments;
  return (
    <div class="pg-controls">
      {CONTROL_GROUPS.map((group) => (
        <fieldset>
          <legend>{group.legend}</legend>
          {group.controls
            // A frame number means something only for an animated source (or when typed in).
            .filter((spec) => spec.key !== 'fr' || animated || typed.fr !== undefined)
            .map((spec) => (
              <Control spec={spec} value={parsed[spec.key] ?? ''} typed={typed[spec.key] ?? ''} onSet={onSet} />
            ))}
        </fieldset>
      ))}
    </div>
  );
}
