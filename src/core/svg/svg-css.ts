// CSS in an uploaded SVG (<style>, style attributes, presentation attributes): kept only when
// it can name nothing outside the document.

const CSS_DENIED = /@import|@font-face|@namespace|expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding|image-set\s*\(|\bimage\s*\(|\bsrc\s*\(/i;
const CSS_URL = /url\s*\(/gi;
const CSS_FRAGMENT_URL = /url\s*\(\s*(?:"#[^"'\s()<>\\]+"|'#[^"'\s()<>\\]+'|#[^"'\s()<>\\]+)\s*\)/gi;

/**
 * CSS text that can reach nothing outside the document, comments removed; null when it could.
 * Only `url(#fragment)` is allowed: data URIs have no use in SVG paint and would be one more
 * parser to trust. A backslash anywhere makes it unsafe: CSS escapes (`u\72l(`, `\40import`)
 * are the way to spell a keyword this check would miss, and SVG styling never needs one.
 * We drop rather than refuse: a declaration in a style attribute, the whole <style> element.
 */
export function safeCss(text: string): string | null {
  if (text.includes('\\')) return null;
  const css = withoutComments(text);
  if (css === null || CSS_DENIED.test(css)) return null;
  const urls = css.match(CSS_URL)?.length ?? 0;
  if (urls > 0 && urls !== (css.match(CSS_FRAGMENT_URL)?.length ?? 0)) return null;
  return css;
}

/** CSS with each comment made a space; null if one is unterminated. By hand: a lazy regex is quadratic on `/* /* /* …`. */
function withoutComments(css: string): string | null {
  let out = '';
  let from = 0;
  for (let open = css.indexOf('/*'); open >= 0; open = css.indexOf('/*', from)) {
    const close = css.indexOf('*/', open + 2);
    if (close < 0) return null;
    out += css.slice(from, open) + ' ';
    from = close + 2;
  }
  return out + css.slice(from);
}

/** `a: b; c: d` split on semicolons outside quotes and parentheses. */
function declarations(style: string): string[] {
  const parts: string[] = [];
  let quote = '';
  let depth = 0;
  let start = 0;
  for (let i = 0; i < style.length; i++) {
    const c = style[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0) {
      parts.push(style.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(style.slice(start));
  return parts;
}

/** A style attribute with only allowed properties whose values are safe; null when none is left. */
export function safeStyleAttribute(style: string, allowed: ReadonlySet<string>): string | null {
  const kept: string[] = [];
  for (const declaration of declarations(style)) {
    const colon = declaration.indexOf(':');
    if (colon < 0) continue;
    const property = declaration.slice(0, colon).trim().toLowerCase();
    const value = safeCss(declaration.slice(colon + 1).trim());
    if (allowed.has(property) && value !== null && !/[{}]/.test(value)) kept.push(`${property}:${value.trim()}`);
  }
  return kept.length > 0 ? kept.join(';') : null;
}
