// What comes before an XML document's first element: enough to tell an SVG and to see a DOCTYPE.

const SNIFF_BYTES = 16 * 1024;

export interface Prolog {
  /** Where the DOCTYPE declaration is ([start, end) of the text), or null without one. */
  readonly doctype: { readonly start: number; readonly end: number; readonly internalSubset: boolean } | null;
  /** Qualified name of the first element, or null when none starts within the text. */
  readonly root: string | null;
}

/** Reads past BOM, whitespace, declarations, PIs, comments and a DOCTYPE to the first tag. */
export function scanProlog(text: string): Prolog {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let doctype: Prolog['doctype'] = null;
  const skipPast = (end: string, from: number) => {
    const at = text.indexOf(end, from);
    return at < 0 ? -1 : at + end.length;
  };
  while (i >= 0 && i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') i++;
    else if (text.startsWith('<?', i)) i = skipPast('?>', i + 2);
    else if (text.startsWith('<!--', i)) i = skipPast('-->', i + 4);
    else if (text.startsWith('<!DOCTYPE', i)) {
      const start = i;
      i = skipDoctype(text, i);
      const end = i < 0 ? text.length : i;
      doctype = { start, end, internalSubset: text.slice(start, end).includes('[') };
    } else {
      const name = /<([A-Za-z_][\w.:-]*)/y;
      name.lastIndex = i;
      return { doctype, root: name.exec(text)?.[1] ?? null };
    }
  }
  return { doctype, root: null };
}

/** Index after a DOCTYPE's closing `>`, past quoted literals and an internal subset; -1 if unterminated. */
function skipDoctype(text: string, from: number): number {
  let quote = '';
  let depth = 0;
  for (let i = from + 2; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '>' && depth <= 0) return i + 1;
  }
  return -1;
}

/** Whether an upload is meant as an SVG: its first element (after the prolog) is <svg>, any prefix. */
export function looksLikeSvg(bytes: Uint8Array): boolean {
  const { root } = scanProlog(new TextDecoder().decode(bytes.subarray(0, SNIFF_BYTES)));
  return root !== null && (root === 'svg' || root.endsWith(':svg'));
}
