import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { AppError } from '../errors';
import { safeCss, safeStyleAttribute } from './svg-css';
import { scanProlog } from './svg-prolog';
import { svgSize, type ViewBox } from './svg-size';

/**
 * An uploaded SVG rebuilt from an allowlist: only the elements and attributes a logo or an
 * icon draws with survive, and nothing in the result can name anything outside the document
 * (no script, no external href, no CSS url() but `#fragment`). What cannot be made safe is
 * refused (415): XML that is not well-formed, a DOCTYPE with an internal subset (entities are
 * how XXE and billion laughs get in), a root that is not <svg>, no size, structural bombs. Everything else
 * unsafe is dropped, so a logo exported with editor metadata or a stray script still uploads.
 */
export interface SanitizedSvg {
  /** UTF-8, no XML declaration; the root starts `<svg width="W" height="H" viewBox=…` (see withRootSize). */
  readonly document: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export const SVG_LIMITS = {
  depth: 256,
  elements: 100_000,
  attributes: 500_000,
  /** Elements once every <use> is expanded: ten nested uses of ten uses each would be 10^10. */
  renderedElements: 250_000,
} as const;

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/**
 * What logos and icons need. Out, with their subtree: script, foreignObject, animation (it
 * can rewrite href), feImage (fetches), font and cursor elements, metadata, view. `a` stays
 * as a plain group, so a linked logo keeps its drawing and loses its link.
 */
const ELEMENTS = new Set([
  'svg', 'g', 'defs', 'symbol', 'use', 'switch', 'title', 'desc', 'style', 'image',
  'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon',
  'text', 'tspan', 'textPath',
  'linearGradient', 'radialGradient', 'stop', 'clipPath', 'mask', 'pattern', 'marker',
  'filter', 'feBlend', 'feColorMatrix', 'feComponentTransfer', 'feFuncR', 'feFuncG', 'feFuncB', 'feFuncA',
  'feComposite', 'feConvolveMatrix', 'feDiffuseLighting', 'feSpecularLighting', 'feDistantLight',
  'fePointLight', 'feSpotLight', 'feDisplacementMap', 'feDropShadow', 'feFlood', 'feGaussianBlur',
  'feMerge', 'feMergeNode', 'feMorphology', 'feOffset', 'feTile', 'feTurbulence',
]);
const RENAMED: Record<string, string> = { a: 'g' };

/** Elements whose character data is content; elsewhere text is whitespace between tags. */
const TEXT_CONTENT = new Set(['text', 'tspan', 'textPath', 'title', 'desc', 'style']);

/** Which elements may carry href, and to what: an element of this document, or an embedded raster. */
const HREF: Record<string, 'fragment' | 'raster'> = {
  use: 'fragment', textPath: 'fragment', linearGradient: 'fragment', radialGradient: 'fragment',
  pattern: 'fragment', filter: 'fragment', image: 'raster',
};

/** Presentation attributes, which are CSS properties too: their values go through safeCss. */
const PRESENTATION = new Set([
  'alignment-baseline', 'baseline-shift', 'clip', 'clip-path', 'clip-rule', 'color', 'color-interpolation',
  'color-interpolation-filters', 'color-rendering', 'direction', 'display', 'dominant-baseline', 'enable-background',
  'fill', 'fill-opacity', 'fill-rule', 'filter', 'flood-color', 'flood-opacity', 'font', 'font-family',
  'font-feature-settings', 'font-kerning', 'font-size', 'font-size-adjust', 'font-stretch', 'font-style', 'font-variant',
  'font-weight', 'glyph-orientation-horizontal', 'glyph-orientation-vertical', 'image-rendering', 'isolation', 'kerning',
  'letter-spacing', 'lighting-color', 'marker', 'marker-end', 'marker-mid', 'marker-start', 'mask', 'mask-type',
  'mix-blend-mode', 'opacity', 'overflow', 'paint-order', 'shape-rendering', 'solid-color', 'solid-opacity',
  'stop-color', 'stop-opacity', 'stroke', 'stroke-dasharray', 'stroke-dashoffset', 'stroke-linecap', 'stroke-linejoin',
  'stroke-miterlimit', 'stroke-opacity', 'stroke-width', 'text-anchor', 'text-decoration', 'text-rendering',
  'transform-box', 'transform-origin', 'unicode-bidi', 'vector-effect', 'visibility', 'white-space', 'word-spacing',
  'writing-mode',
]);
/** CSS declarations a style attribute may hold; `transform` is a property in SVG 2. */
const STYLE_PROPERTIES = new Set([...PRESENTATION, 'transform']);

/** Geometry, units, filter parameters and conditions: numbers, keywords and names, never fetched. */
const PLAIN = new Set([
  'id', 'class', 'lang', 'xml:lang', 'xml:space', 'transform', 'x', 'y', 'z', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r',
  'rx', 'ry', 'fx', 'fy', 'fr', 'dx', 'dy', 'width', 'height', 'd', 'points', 'pathLength', 'viewBox',
  'preserveAspectRatio', 'offset', 'gradientUnits', 'gradientTransform', 'spreadMethod', 'patternUnits',
  'patternContentUnits', 'patternTransform', 'clipPathUnits', 'maskUnits', 'maskContentUnits', 'markerUnits',
  'markerWidth', 'markerHeight', 'refX', 'refY', 'orient', 'filterUnits', 'primitiveUnits', 'in', 'in2', 'result',
  'stdDeviation', 'mode', 'type', 'values', 'operator', 'k1', 'k2', 'k3', 'k4', 'radius', 'edgeMode', 'textLength',
  'lengthAdjust', 'rotate', 'startOffset', 'method', 'spacing', 'side', 'path', 'tableValues', 'slope', 'intercept',
  'amplitude', 'exponent', 'order', 'kernelMatrix', 'divisor', 'bias', 'targetX', 'targetY', 'preserveAlpha',
  'surfaceScale', 'diffuseConstant', 'specularConstant', 'specularExponent', 'kernelUnitLength', 'azimuth',
  'elevation', 'pointsAtX', 'pointsAtY', 'pointsAtZ', 'limitingConeAngle', 'baseFrequency', 'numOctaves', 'seed',
  'stitchTiles', 'scale', 'xChannelSelector', 'yChannelSelector', 'requiredExtensions', 'requiredFeatures',
  'systemLanguage',
]);
/** The root's size is computed and written back; x and y mean nothing on it. */
const ROOT_COMPUTED = new Set(['width', 'height', 'viewBox', 'x', 'y']);

const refuse = (message: string) => new AppError('unsupported_media_type', message);

// ---------------------------------------------------------------------------------------------
// Values

/** Characters XML 1.0 forbids (NUL, most C0 controls, lone surrogates): removed before any check, so none can split a keyword. */
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const clean = (text: string) => text.replace(NOT_XML_CHAR, '');

const FRAGMENT = /^#[^\s"'()<>\\]+$/;
const RASTER_URI = /^data:image\/(png|jpeg|webp);base64,([A-Za-z0-9+/]*={0,2})$/i;
const MAGIC: Record<string, (head: string) => boolean> = {
  png: (h) => h.startsWith('\x89PNG\r\n\x1a\n'),
  jpeg: (h) => h.startsWith('\xff\xd8\xff'),
  webp: (h) => h.startsWith('RIFF') && h.slice(8, 12) === 'WEBP',
};

/** A `#fragment`, or null. */
function safeFragment(value: string): string | null {
  const trimmed = value.trim();
  return FRAGMENT.test(trimmed) ? trimmed : null;
}

/**
 * A base64 PNG, JPEG or WebP data URI whose bytes start as that format says, normalized; else
 * null. The magic check keeps an SVG (which the renderer would load unsanitized) from hiding
 * behind an image/png label.
 */
function safeRasterUri(value: string): string | null {
  // Whitespace out first (base64 in an attribute is often wrapped): the pattern then has nothing to backtrack over.
  const match = RASTER_URI.exec(value.replace(/\s+/g, ''));
  if (!match) return null;
  const type = match[1]!.toLowerCase();
  const base64 = match[2]!;
  let head: string;
  try {
    head = atob(base64.slice(0, 16));
  } catch {
    return null;
  }
  return MAGIC[type]!(head) ? `data:image/${type};base64,${base64}` : null;
}

// ---------------------------------------------------------------------------------------------
// The rebuilt tree

interface Rebuilt {
  name: string;
  attributes: [string, string][];
  children: (Rebuilt | string)[];
}

/** An attribute's name as we emit it, or null for one in a namespace we do not keep (inkscape:, sodipodi:, xmlns…). */
function attributeName(namespace: string | null, localName: string): string | null {
  if (namespace === null || namespace === '') return localName;
  if (namespace === XLINK_NS && localName === 'href') return 'href';
  if (namespace === XML_NS && (localName === 'space' || localName === 'lang')) return `xml:${localName}`;
  return null;
}

function rebuildAttributes(element: XmlElement, name: string, isRoot: boolean): [string, string][] {
  const kept: [string, string][] = [];
  let href: string | null = null;
  let plainHref = false;
  for (const attribute of Array.from(element.attributes)) {
    const key = attributeName(attribute.namespaceURI, attribute.localName ?? attribute.name);
    if (key === null || (isRoot && ROOT_COMPUTED.has(key))) continue;
    const value = clean(attribute.value);
    if (key === 'href') {
      // SVG 2: a plain href wins over xlink:href.
      if (plainHref) continue;
      plainHref = attribute.namespaceURI === null;
      href = value;
    } else if (key === 'style') {
      const style = safeStyleAttribute(value, STYLE_PROPERTIES);
      if (style !== null) kept.push(['style', style]);
    } else if (PRESENTATION.has(key)) {
      const css = safeCss(value);
      if (css !== null) kept.push([key, css]);
    } else if (PLAIN.has(key)) {
      kept.push([key, value]);
    }
  }
  const target = HREF[name];
  const safeHref = href === null || !target ? null : target === 'fragment' ? safeFragment(href) : safeRasterUri(href);
  if (safeHref !== null) kept.push(['xlink:href', safeHref]);
  return kept;
}

interface Walk {
  elements: number;
  /** Null namespace counts as SVG when the root itself has none. */
  readonly nullIsSvg: boolean;
}

const [ELEMENT_NODE, TEXT_NODE, CDATA_SECTION_NODE] = [1, 3, 4];

function rebuild(element: XmlElement, depth: number, walk: Walk): Rebuilt | null {
  if (depth > SVG_LIMITS.depth) throw refuse(`SVG nests elements more than ${SVG_LIMITS.depth} deep`);
  if (++walk.elements > SVG_LIMITS.elements) throw refuse(`SVG has more than ${SVG_LIMITS.elements} elements`);
  const namespace = element.namespaceURI;
  if (!(namespace === SVG_NS || (walk.nullIsSvg && (namespace === null || namespace === '')))) return null;
  const local = element.localName ?? element.nodeName;
  const name = RENAMED[local] ?? local;
  if (!ELEMENTS.has(name)) return null;
  if (name === 'style' && !isCssType(element.getAttribute('type'))) return null;

  const node: Rebuilt = { name, attributes: name === 'style' ? [] : rebuildAttributes(element, name, depth === 0), children: [] };
  for (let child = element.firstChild; child !== null; child = child.nextSibling) {
    if (child.nodeType === ELEMENT_NODE) {
      const rebuilt = rebuild(child as XmlElement, depth + 1, walk);
      if (rebuilt) node.children.push(rebuilt);
    } else if ((child.nodeType === TEXT_NODE || child.nodeType === CDATA_SECTION_NODE) && TEXT_CONTENT.has(name)) {
      node.children.push(clean((child as unknown as { data: string }).data));
    }
  }
  if (name === 'style') {
    const css = safeCss(node.children.filter((c): c is string => typeof c === 'string').join(''));
    if (css === null) return null;
    node.children = [css];
  }
  return node;
}

const isCssType = (type: string | null) => type === null || type.trim() === '' || type.trim().toLowerCase() === 'text/css';

/**
 * Refuses a document whose <use> references would expand past the rendered-element limit, and
 * unlinks any <use> that would draw one of its own ancestors (a cycle). A repeated id is
 * removed after its first use, so what is counted here is what any renderer resolves: a small
 * first `#x` cannot stand in for a large last one.
 */
function checkExpansion(root: Rebuilt): void {
  const byId = new Map<string, Rebuilt>();
  const index = (node: Rebuilt) => {
    const at = node.attributes.findIndex(([k]) => k === 'id');
    if (at >= 0) {
      const id = node.attributes[at]![1];
      if (byId.has(id)) node.attributes.splice(at, 1);
      else byId.set(id, node);
    }
    for (const child of node.children) if (typeof child !== 'string') index(child);
  };
  index(root);
  const counted = new Map<Rebuilt, number>();
  const open = new Set<Rebuilt>();
  const count = (node: Rebuilt, depth: number): number => {
    const known = counted.get(node);
    if (known !== undefined) return known;
    if (depth > 4 * SVG_LIMITS.depth) throw refuse(`SVG nests <use> references too deep`);
    open.add(node);
    let total = 1;
    for (const child of node.children) if (typeof child !== 'string') total += count(child, depth + 1);
    const href = node.name === 'use' ? node.attributes.findIndex(([k]) => k === 'xlink:href') : -1;
    if (href >= 0) {
      const target = byId.get(node.attributes[href]![1].slice(1));
      if (target && open.has(target)) node.attributes.splice(href, 1);
      else if (target) total += count(target, depth + 1);
    }
    open.delete(node);
    if (total > SVG_LIMITS.renderedElements) {
      throw refuse(`SVG draws more than ${SVG_LIMITS.renderedElements} elements once its <use> references are expanded`);
    }
    counted.set(node, total);
    return total;
  };
  count(root, 0);
}

// ---------------------------------------------------------------------------------------------
// Serialization

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };
// Tab and newlines as references in attributes: literal ones would be read back as spaces.
const escapeText = (text: string) => (/[&<>]/.test(text) ? text.replace(/[&<>]/g, (c) => ENTITY[c]!) : text);
const escapeAttribute = (text: string) => (/[&<>"\t\n\r]/.test(text) ? text.replace(/[&<>"\t\n\r]/g, (c) => ENTITY[c]!) : text);

function serialize(node: Rebuilt): string {
  let out = `<${node.name}`;
  for (const [key, value] of node.attributes) out += ` ${key}="${escapeAttribute(value)}"`;
  if (node.children.length === 0) return `${out}/>`;
  out += '>';
  for (const child of node.children) out += typeof child === 'string' ? escapeText(child) : serialize(child);
  return `${out}</${node.name}>`;
}

const ROOT_SIZE = /^<svg width="\d+" height="\d+"/;
const rootSize = (width: number, height: number) => `<svg width="${width}" height="${height}"`;
const formatViewBox = (v: ViewBox) => [v.minX, v.minY, v.width, v.height].map(String).join(' ');

/**
 * A sanitized document with its root resized to width×height: the viewBox (always present)
 * scales the drawing, so any renderer draws it at exactly that size.
 */
export function withRootSize(document: Uint8Array, width: number, height: number): Uint8Array {
  const text = new TextDecoder().decode(document);
  if (!ROOT_SIZE.test(text)) throw new AppError('internal', 'Not a document from sanitizeSvg');
  return new TextEncoder().encode(text.replace(ROOT_SIZE, rootSize(width, height)));
}

// ---------------------------------------------------------------------------------------------

function decode(bytes: Uint8Array): string {
  const declared = /^(?:\uFEFF)?<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']/.exec(new TextDecoder().decode(bytes.subarray(0, 256)))?.[1];
  if (declared !== undefined && !/^utf-?8$/i.test(declared) && bytes.some((b) => b >= 0x80)) {
    throw refuse(`SVG must be UTF-8 encoded; this one declares ${declared.slice(0, 40)}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw refuse('SVG must be UTF-8 encoded');
  }
}

/**
 * Counted before parsing: a node costs the DOM far more than its bytes (100 000 elements take
 * ~1 s and ~200 MB to parse), and an upload may be 50 MB.
 */
function count(text: string, char: string): number {
  let found = 0;
  for (let at = text.indexOf(char); at >= 0; at = text.indexOf(char, at + 1)) found++;
  return found;
}

/**
 * The text without a DOCTYPE that only names a DTD (`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG
 * 1.1//EN" …>`, what editors still write): the DTD is never read, so the declaration means
 * nothing and goes. One with an internal subset (`[…]`) declares entities, the way XXE and
 * billion laughs get in: refused. A second DOCTYPE fails the parser's own check below.
 */
function withoutPlainDoctype(text: string): string {
  const { doctype } = scanProlog(text);
  if (!doctype) return text;
  if (doctype.internalSubset) throw refuse('SVG with a DOCTYPE declaring entities is refused (no entities or internal DTDs are allowed)');
  return text.slice(0, doctype.start) + text.slice(doctype.end);
}

export function sanitizeSvg(bytes: Uint8Array): SanitizedSvg {
  const text = withoutPlainDoctype(decode(bytes));
  // An element is at most an open and a close tag; an attribute has its `=`.
  if (count(text, '<') > 2 * SVG_LIMITS.elements + 2) throw refuse(`SVG has more than ${SVG_LIMITS.elements} elements`);
  if (count(text, '=') > SVG_LIMITS.attributes) throw refuse(`SVG has more than ${SVG_LIMITS.attributes} attributes`);

  let problem: string | undefined;
  let document;
  try {
    document = new DOMParser({
      // Line and column on every node cost a third of the parse; messages do without them.
      locator: false,
      onError: (_level, message) => {
        problem ??= message;
        throw new Error(message);
      },
    }).parseFromString(text, 'image/svg+xml');
  } catch (error) {
    problem ??= error instanceof Error ? error.message : String(error);
  }
  if (problem !== undefined || !document) throw refuse(`SVG is not well-formed XML: ${String(problem).split('\n')[0]!.slice(0, 200)}`);
  if (document.doctype) throw refuse('SVG with a DOCTYPE is refused (entities and external DTDs are not allowed)');

  const root = document.documentElement;
  const rootNamespace = root?.namespaceURI ?? null;
  if (!root || root.localName !== 'svg' || !(rootNamespace === SVG_NS || rootNamespace === null || rootNamespace === '')) {
    throw refuse(`The root element must be <svg> in the SVG namespace; it is <${root?.nodeName ?? 'none'}>`);
  }
  const size = svgSize(root.getAttribute('width'), root.getAttribute('height'), root.getAttribute('viewBox'));
  const rebuilt = rebuild(root, 0, { elements: 0, nullIsSvg: rootNamespace !== SVG_NS })!;
  checkExpansion(rebuilt);

  // Size first, in the form withRootSize rewrites; then our own namespace declarations.
  rebuilt.attributes.unshift(
    ['width', String(size.width)],
    ['height', String(size.height)],
    ['viewBox', formatViewBox(size.viewBox)],
    ['xmlns', SVG_NS],
    ['xmlns:xlink', XLINK_NS],
  );
  return { document: new TextEncoder().encode(serialize(rebuilt)), width: size.width, height: size.height };
}
