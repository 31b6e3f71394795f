import { STAGES } from './ops/op';
import { OPS } from './registry';
import { MAX_TRANSFORM_LENGTH } from './types';

/**
 * The transform grammar in Markdown, from the registry, for the API's schema descriptions: a
 * key added to `OPS` is documented wherever a transform is accepted, with nothing to copy.
 */
export function describeTransformGrammar(): string {
  return [
    `Comma-separated \`key_value\` segments, at most ${MAX_TRANSFORM_LENGTH} characters, e.g. \`w_800,h_600,c_fill,g_auto,f_webp,q_80\`. Keys:`,
    '',
    ...OPS.map((op) => `- \`${op.key}\`: ${op.doc.meaning}. Values: ${op.doc.values}.`),
    '',
    `Canonical order (as returned): ${OPS.map((op) => op.key).join(', ')}. Applied in this order, after EXIF orientation: ${pipelineOrder()}. An unknown or duplicate key, or a bad value, is 400 naming the segment.`,
  ].join('\n');
}

/** The keys grouped by the stage that carries them out, in pipeline order: `cr → trim → a flip → …`. */
const pipelineOrder = () =>
  STAGES.map((stage) => OPS.filter((op) => op.stage === stage).map((op) => op.key).join(' '))
    .filter((keys) => keys !== '')
    .join(' → ');
