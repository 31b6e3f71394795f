import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { DOMParser } from '@xmldom/xmldom';
import type { Socket, TCPSocketListener } from 'bun';
import sharp from 'sharp';
import { AppError, type ErrorCode } from '../../src/core/errors';
import { renderSvg } from '../../src/core/svg/render-svg';
import { sanitizeSvg, SVG_LIMITS } from '../../src/core/svg/sanitize-svg';
import { looksLikeSvg } from '../../src/core/svg/svg-prolog';

const NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"';
const bytes = (text: string) => new TextEncoder().encode(text);
/** A 10×10 SVG around `body`, sanitized, as text. */
const clean = (body: string, rootAttributes = '') => new TextDecoder().decode(sanitizeSvg(bytes(`<svg ${NS} width="10" height="10" ${rootAttributes}>${body}</svg>`)).document);

function refused(text: string | Uint8Array, code: ErrorCode = 'unsupported_media_type'): AppError {
  try {
    sanitizeSvg(typeof text === 'string' ? bytes(text) : text);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

const tinyPng = async () => Buffer.from(await sharp({ create: { width: 2, height: 2, channels: 3, background: '#00ff00' } }).png().toBuffer()).toString('base64');

describe('elements', () => {
  test.each([
    ['script', '<script>alert(1)</script>'],
    ['upper-case SCRIPT (XML names are case-sensitive: not an SVG element)', '<SCRIPT>alert(1)</SCRIPT>'],
    ['svg:script under another prefix for the SVG namespace', '<svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(1)</svg:script>'],
    ['an XHTML script', '<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'],
    ['a script in the default namespace redeclared', '<script xmlns="http://www.w3.org/1999/xhtml">alert(1)</script>'],
    ['script inside a kept group', '<g><rect width="1" height="1"/><script type="text/ecmascript"><![CDATA[alert(1)]]></script></g>'],
    ['foreignObject with HTML', '<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml"><iframe src="http://x/"/>alert(1)</div></foreignObject>'],
    ['animation rewriting href', '<a><animate attributeName="href" to="javascript:alert(1)"/><set attributeName="onclick" to="alert(1)"/></a>'],
    ['feImage', '<filter id="f"><feImage href="http://127.0.0.1/alert(1)"/></filter>'],
    ['handler', '<handler type="application/ecmascript">alert(1)</handler>'],
  ])('%s is removed with its content', (_name, body) => {
    const out = clean(body);
    expect(out.toLowerCase()).not.toContain('script');
    expect(out).not.toContain('alert');
    expect(out).not.toContain('iframe');
    expect(out).not.toMatch(/animate|<set|feImage|handler|foreignObject/);
  });

  test('drawing elements, gradients, filters and text are kept', () => {
    const body =
      '<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient><filter id="f"><feGaussianBlur stdDeviation="1"/><feOffset dx="1"/></filter></defs>' +
      '<g transform="translate(1 1)"><path d="M0 0L5 5" fill="url(#g)" filter="url(#f)"/><circle cx="5" cy="5" r="2"/></g><text x="1" y="8">Hi <tspan>there</tspan></text>';
    const out = clean(body);
    expect(out).toContain('<linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient>');
    expect(out).toContain('<feGaussianBlur stdDeviation="1"/>');
    expect(out).toContain('<path d="M0 0L5 5" fill="url(#g)" filter="url(#f)"/>');
    expect(out).toContain('<text x="1" y="8">Hi <tspan>there</tspan></text>');
  });

  test('a link keeps its drawing as a group, without the link', () => {
    expect(clean('<a href="https://example.com/" target="_blank"><rect width="1" height="1"/></a>')).toContain('<g><rect width="1" height="1"/></g>');
  });

  test('metadata, editor namespaces and comments are dropped; processing instructions too', () => {
    const out = clean('<!-- c --><?xml-stylesheet href="http://x/s.css"?><metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata><g xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:label="L"/>');
    expect(out).not.toMatch(/metadata|rdf|inkscape|<!--|<\?|stylesheet/);
  });
});

describe('attributes', () => {
  test('event handlers of any case are removed', () => {
    const out = clean('<rect width="1" height="1" onclick="alert(1)" ONLOAD="alert(2)" onmouseover="alert(3)"/>', 'onload="alert(0)"');
    expect(out).not.toMatch(/\son\w+=/i);
    expect(out).not.toContain('alert');
  });

  test.each([
    ['javascript:', 'javascript:alert(1)'],
    ['mixed case with whitespace', '  JaVaScRiPt:alert(1)'],
    ['an encoded character', '&#106;avascript:alert(1)'],
    ['tab and newline inside the scheme', 'java&#9;script&#10;:alert(1)'],
    ['an external document', 'http://127.0.0.1:1/x.svg#a'],
    ['a relative file', 'other.svg#a'],
    ['a file URL', 'file:///etc/passwd#a'],
    ['an SVG data URI', 'data:image/svg+xml;base64,PHN2Zy8+'],
  ])('use href %s is removed', (_name, href) => {
    for (const attribute of ['href', 'xlink:href']) {
      const out = clean(`<use ${attribute}="${href}"/>`);
      expect(out).toContain('<use/>');
    }
  });

  test('xlink:HREF is not href (XML is case-sensitive) and is dropped', () => {
    expect(clean('<use xlink:HREF="javascript:alert(1)"/>')).toContain('<use/>');
  });

  test('a #fragment reference is kept, written as xlink:href', () => {
    expect(clean('<defs><rect id="r" width="1" height="1"/></defs><use href="#r"/>')).toContain('<use xlink:href="#r"/>');
    expect(clean('<use xlink:href=" #r "/><rect id="r"/>')).toContain('<use xlink:href="#r"/>');
  });

  test('href on an element that references nothing is dropped', () => {
    expect(clean('<rect href="#r" width="1"/><g xlink:href="#r"/>')).not.toContain('href');
  });

  test('image: external URLs removed, PNG data URIs kept, mislabelled or SVG data URIs removed', async () => {
    const png = await tinyPng();
    expect(clean('<image href="http://127.0.0.1:1/x.png" width="1" height="1"/>')).toContain('<image width="1" height="1"/>');
    expect(clean('<image xlink:href="//127.0.0.1:1/x.png"/>')).toContain('<image/>');
    expect(clean(`<image href="data:image/png;base64,${png}"/>`)).toContain(`<image xlink:href="data:image/png;base64,${png}"/>`);
    expect(clean(`<image href="DATA:image/PNG;base64,\n${png.slice(0, 10)}\n${png.slice(10)}"/>`)).toContain(`<image xlink:href="data:image/png;base64,${png}"/>`);
    expect(clean('<image href="data:image/svg+xml;base64,PHN2Zy8+"/>')).toContain('<image/>');
    expect(clean(`<image href="data:image/svg+xml;utf8,&lt;svg/&gt;"/>`)).toContain('<image/>');
    // An SVG labelled as PNG would be loaded by content sniffing somewhere, unsanitized.
    expect(clean(`<image href="data:image/png;base64,${btoa('<svg xmlns="http://www.w3.org/2000/svg"/>')}"/>`)).toContain('<image/>');
  });

  test('values are escaped; characters XML forbids are removed', () => {
    const out = clean('<g id="a&quot;b&lt;c&amp;" class="x&#x9;y"/><text>1 &lt; 2 &amp;&#x1;</text>');
    expect(out).toContain('<g id="a&quot;b&lt;c&amp;" class="x&#9;y"/>');
    expect(out).toContain('<text>1 &lt; 2 &amp;</text>');
  });
});

describe('CSS', () => {
  test('a style attribute keeps safe declarations and drops the rest', () => {
    const out = clean('<rect style="fill: red; stroke: url(http://127.0.0.1:1/a#b); behavior: url(x.htc); opacity: .5; position: fixed"/>');
    expect(out).toContain('<rect style="fill:red;opacity:.5"/>');
  });

  test.each([
    ['url(http://…)', 'fill: url(http://127.0.0.1:1/x#p)'],
    ["url('http://…')", "fill: url('http://127.0.0.1:1/x#p')"],
    ['URL( "//…" )', 'fill: URL( &quot;//127.0.0.1:1/x#p&quot; )'],
    ['a data URI', 'fill: url(data:image/png;base64,AAAA)'],
    ['a CSS escape hiding url', 'fill: u\\72l(http://127.0.0.1:1/x)'],
    ['a comment inside url', 'fill: url/**/(http://127.0.0.1:1/x)'],
    ['expression()', 'fill: expression(alert(1))'],
    ['an escape hiding expression', 'fill: e\\78pression(alert(1))'],
  ])('a declaration with %s is dropped', (_name, declaration) => {
    expect(clean(`<rect style="${declaration}; stroke: blue"/>`)).toContain('<rect style="stroke:blue"/>');
  });

  test('presentation attributes are CSS values: only url(#fragment) stays', () => {
    expect(clean('<rect fill="url(http://127.0.0.1:1/x#p)" stroke="url(#g) red" mask="url( \'#m\' )"/>')).toContain('<rect stroke="url(#g) red" mask="url( \'#m\' )"/>');
  });

  test('a safe <style> is kept, CDATA and comments included', () => {
    const out = clean('<style type="text/css"><![CDATA[ rect > circle { fill: url(#g) } /* note */ .a { stroke: red } ]]></style>');
    expect(out).toContain('<style> rect &gt; circle { fill: url(#g) }   .a { stroke: red } </style>');
  });

  test.each([
    ['url(http://…)', 'rect { fill: url(http://127.0.0.1:1/x#p) }'],
    ['@import', '@import "http://127.0.0.1:1/x.css"; rect { fill: red }'],
    ['@import url()', '@IMPORT url(//127.0.0.1:1/x.css);'],
    ['@font-face', '@font-face { font-family: x; src: url(http://127.0.0.1:1/f.ttf) }'],
    ['an escaped @import', '@\\69mport "x.css";'],
    ['CDATA hiding url()', '<![CDATA[ rect { fill: url("http://127.0.0.1:1/x#p") } ]]>'],
    ['an unterminated comment', 'rect { fill: red } /* url(http://127.0.0.1:1/x)'],
    ['image-set()', 'rect { fill: image-set("http://127.0.0.1:1/x.png" 1x) }'],
    ['a non-CSS type', ''],
  ])('a <style> with %s is dropped whole', (name, css) => {
    const out = clean(`<style${name === 'a non-CSS type' ? ' type="text/xsl"' : ''}>${css}</style><rect/>`);
    expect(out).not.toContain('<style');
    expect(out).not.toContain('127.0.0.1');
  });
});

describe('refused', () => {
  test('XXE: a DOCTYPE declaring an external entity', () => {
    const error = refused('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><text>&xxe;</text></svg>');
    expect(error.status).toBe(415);
    expect(error.message).toContain('DOCTYPE');
  });

  test('billion laughs', () => {
    const entities = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`)].join('');
    refused(`<?xml version="1.0"?><!DOCTYPE lolz [${entities}]><svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><text>&lol9;</text></svg>`);
  });

  test('a DOCTYPE that only names the SVG 1.1 DTD (as editors write) is dropped, never read', () => {
    const { document } = sanitizeSvg(
      bytes('<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>'),
    );
    const text = new TextDecoder().decode(document);
    expect(text).not.toMatch(/DOCTYPE|w3\.org\/Graphics|dtd/i);
    expect(text).toContain('<rect');
    // An entity it would have defined stays undefined: refused, not expanded.
    refused('<!DOCTYPE svg SYSTEM "file:///etc/passwd"><svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><text>&xxe;</text></svg>');
    refused('<!DOCTYPE svg PUBLIC "x" "y"><!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>');
  });

  test.each([
    ['not XML', 'GIF89a hello'],
    ['mismatched tags', '<svg width="1" height="1"><g></svg>'],
    ['an undefined entity', '<svg width="1" height="1">&nope;</svg>'],
    ['an unquoted attribute', '<svg width=1 height="1"/>'],
    ['two roots', '<svg width="1" height="1"/><svg/>'],
    ['an undeclared prefix', '<svg width="1" height="1"><x:g/></svg>'],
    ['empty', ''],
  ])('not well-formed: %s', (_name, text) => {
    expect(refused(text).message).toMatch(/well-formed/);
  });

  test.each([
    ['html', '<html xmlns="http://www.w3.org/1999/xhtml"><svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/></html>'],
    ['g', '<g xmlns="http://www.w3.org/2000/svg"/>'],
    ['svg in another namespace', '<svg xmlns="http://example.com/" width="1" height="1"/>'],
  ])('a root that is not SVG <svg>: %s', (_name, text) => {
    expect(refused(text).message).toContain('root element');
  });

  test('not UTF-8', () => {
    refused(new Uint8Array([...bytes('<svg width="1" height="1"><text>'), 0xff, 0xfe, ...bytes('</text></svg>')]));
    refused('<?xml version="1.0" encoding="ISO-8859-1"?><svg width="1" height="1"><text>caf\u00e9</text></svg>');
  });

  test('deep nesting', () => {
    const depth = SVG_LIMITS.depth + 1;
    expect(refused(`<svg width="1" height="1">${'<g>'.repeat(depth)}${'</g>'.repeat(depth)}</svg>`).message).toContain('deep');
    expect(() => sanitizeSvg(bytes(`<svg width="1" height="1">${'<g>'.repeat(depth - 1)}${'</g>'.repeat(depth - 1)}</svg>`))).not.toThrow();
  });

  test('too many elements, counted before the DOM is built', () => {
    expect(refused(`<svg width="1" height="1">${'<g/>'.repeat(2 * SVG_LIMITS.elements + 3)}</svg>`).message).toContain('elements');
    expect(refused(`<svg width="1" height="1">${'<g/>'.repeat(SVG_LIMITS.elements + 1)}</svg>`).message).toContain('elements');
  });

  test('a <use> bomb: ten levels of ten uses each', () => {
    let defs = '<rect id="l0" width="1" height="1"/>';
    for (let level = 1; level <= 10; level++) defs += `<g id="l${level}">${`<use href="#l${level - 1}"/>`.repeat(10)}</g>`;
    expect(refused(`<svg width="1" height="1"><defs>${defs}</defs><use href="#l10"/></svg>`).message).toContain('<use>');
  });
});

describe('ids and <use>', () => {
  test('a repeated id is kept on its first element only', () => {
    expect(clean('<rect id="x" width="1"/><g id="x"><rect id="y"/></g>')).toContain('<rect id="x" width="1"/><g><rect id="y"/></g>');
  });

  test('a <use> bomb behind a small element with the same id is still counted', () => {
    let defs = '<rect id="l0" width="1" height="1"/>';
    for (let level = 1; level <= 10; level++) defs += `<rect id="l${level}"/><g id="l${level}">${`<use href="#l${level - 1}"/>`.repeat(10)}</g>`;
    const out = clean(`<defs>${defs}</defs><use href="#l10"/>`);
    // Every id now names the small rect, which every renderer draws once.
    expect(out.match(/<g>/g)?.length).toBe(10);
  });
});

describe('a <use> cycle', () => {
  test('is unlinked, the rest kept', () => {
    const out = clean('<g id="a"><rect width="1" height="1"/><use href="#a"/></g><g id="b"><use href="#c"/></g><g id="c"><use href="#b"/></g>');
    expect(out).toContain('<g id="a"><rect width="1" height="1"/><use/></g>');
    expect(out.match(/xlink:href/g)?.length).toBe(1);
  });
});

describe('size', () => {
  const size = (root: string) => {
    const result = sanitizeSvg(bytes(`<svg ${NS} ${root}/>`));
    return [result.width, result.height];
  };

  test.each([
    ['width and height', 'width="120" height="30"', [120, 30]],
    ['px', 'width="120px" height="30.4px"', [120, 30]],
    ['in, pt, pc', 'width="1in" height="72pt"', [96, 96]],
    ['pc and cm', 'width="2pc" height="2.54cm"', [32, 96]],
    ['mm', 'width="10mm" height="25.4mm"', [38, 96]],
    ['viewBox only', 'viewBox="0 0 300 150"', [300, 150]],
    ['viewBox with commas and offsets', 'viewBox="-10,-10, 24.6,10"', [25, 10]],
    ['percentages: the viewBox', 'width="100%" height="100%" viewBox="0 0 64 32"', [64, 32]],
    ['width and the viewBox aspect', 'width="200" viewBox="0 0 100 50"', [200, 100]],
    ['height and the viewBox aspect', 'height="200" viewBox="0 0 100 50"', [400, 200]],
    ['em is not absolute: the viewBox', 'width="10em" viewBox="0 0 16 16"', [16, 16]],
    ['a tiny size rounds up to 1', 'width="0.2" height="0.2"', [1, 1]],
  ])('%s', (_name, root, expected) => {
    expect(size(root)).toEqual(expected);
  });

  test('the root carries the computed size and the viewBox', () => {
    const out = new TextDecoder().decode(sanitizeSvg(bytes(`<svg ${NS} width="100.4" viewBox="0 0 10 5" preserveAspectRatio="xMinYMin slice" x="5"/>`)).document);
    expect(out).toStartWith('<svg width="100" height="50" viewBox="0 0 10 5" xmlns="http://www.w3.org/2000/svg"');
    expect(out).toContain('preserveAspectRatio="xMinYMin slice"');
    expect(out).not.toContain(' x="5"');
  });

  test('without a viewBox, one from the unrounded size, so rounding scales', () => {
    const out = new TextDecoder().decode(sanitizeSvg(bytes(`<svg ${NS} width="10.4" height="1in"/>`)).document);
    expect(out).toStartWith('<svg width="10" height="96" viewBox="0 0 10.4 96"');
  });

  test.each([
    ['nothing', ''],
    ['percentages without a viewBox', 'width="100%" height="100%"'],
    ['one dimension without a viewBox', 'width="100"'],
    ['a viewBox with a zero size', 'viewBox="0 0 0 10"'],
    ['a malformed viewBox', 'viewBox="0 0 10"'],
  ])('no size: %s', (_name, root) => {
    expect(refused(`<svg ${NS} ${root}/>`).message).toBe('SVG has no size (width/height or viewBox)');
  });

  test('zero or negative width', () => {
    refused(`<svg ${NS} width="0" height="10"/>`);
    refused(`<svg ${NS} width="-5" height="10"/>`);
  });

  test('more than 16383 a side (422), or not finite (415)', () => {
    expect(refused(`<svg ${NS} width="16384" height="10"/>`, 'limit_exceeded').status).toBe(422);
    refused(`<svg ${NS} width="1e300" height="1"/>`, 'limit_exceeded');
    refused(`<svg ${NS} width="100" viewBox="0 0 1 1000"/>`, 'limit_exceeded');
    refused(`<svg ${NS} width="1e400" height="1"/>`);
    refused(`<svg ${NS} viewBox="0 0 1 1e400"/>`);
  });
});

describe('output', () => {
  const sample = `<?xml version="1.0" encoding="UTF-8"?>\n<!-- Generator: an editor -->\n<svg ${NS} version="1.1" width="64" height="64" viewBox="0 0 64 64" xml:space="preserve">
    <style>.a{fill:#c00}</style>
    <defs><radialGradient id="g" xlink:href="#h"/><linearGradient id="h"><stop offset="1" stop-color="#fff"/></linearGradient></defs>
    <switch><foreignObject requiredExtensions="http://ns.adobe.com/AdobeIllustrator/10.0/"/><g><circle class="a" cx="32" cy="32" r="30" style="stroke:url(#g)"/><text x="4" y="60">A &amp; B</text></g></switch>
  </svg>`;

  test('is well-formed XML, and sanitizing it again changes nothing', () => {
    const first = sanitizeSvg(bytes(sample));
    const text = new TextDecoder().decode(first.document);
    const parsed = new DOMParser({ onError: (_level, message) => { throw new Error(message); } }).parseFromString(text, 'image/svg+xml');
    expect(parsed.documentElement?.namespaceURI).toBe('http://www.w3.org/2000/svg');
    const second = sanitizeSvg(first.document);
    expect(new TextDecoder().decode(second.document)).toBe(text);
    expect([second.width, second.height]).toEqual([64, 64]);
  });
});

describe('looksLikeSvg', () => {
  test.each([
    ['a bare root', '<svg/>', true],
    ['BOM, declaration, comments and whitespace', '\uFEFF<?xml version="1.0"?>\n<!-- a -->\n<!-- b -->\n  <svg xmlns="http://www.w3.org/2000/svg">', true],
    ['a DOCTYPE with an internal subset (sanitizeSvg then refuses it)', '<!DOCTYPE svg [<!ENTITY a "]>">]><svg>', true],
    ['a prefixed root', '<svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>', true],
    ['HTML', '<!DOCTYPE html><html><svg/></html>', false],
    ['an svg-like name', '<svgx/>', false],
    ['text', 'svg', false],
    ['an unterminated comment', '<!-- <svg>', false],
    ['empty', '', false],
  ])('%s', (_name, text, expected) => {
    expect(looksLikeSvg(bytes(text))).toBe(expected);
  });

  test('raster files are not SVG', async () => {
    const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer();
    expect(looksLikeSvg(new Uint8Array(png))).toBe(false);
  });
});

describe('nothing reaches the network', () => {
  let listener: TCPSocketListener<undefined>;
  let connections = 0;
  beforeAll(() => {
    listener = Bun.listen({
      hostname: '127.0.0.1',
      port: 0,
      socket: {
        open(socket: Socket<undefined>) {
          connections++;
          socket.end();
        },
        data() {},
      },
    });
  });
  afterAll(() => listener.stop(true));

  test('a document pointing everywhere at a local listener is sanitized and rendered without a connection', async () => {
    const url = `http://127.0.0.1:${listener.port}`;
    const hostile = `<svg ${NS} width="40" height="20">
      <style>@import url(${url}/a.css); rect { fill: url(${url}/p.svg#p) } @font-face { font-family: f; src: url(${url}/f.ttf) }</style>
      <image href="${url}/x.png" width="10" height="10"/><image xlink:href="${url}/y.png" width="10" height="10"/>
      <use href="${url}/u.svg#a"/><feImage href="${url}/fe.png"/>
      <rect width="40" height="20" style="fill: url(${url}/s.svg#p); stroke: url('${url}/t.svg#p')" mask="url(${url}/m.svg#m)"/>
      <text font-family="x" style="font-family: url(${url}/f2.ttf)">x</text>
      <script>fetch('${url}/s')</script><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="${url}/i"/></foreignObject>
    </svg>`;
    const { document, width, height } = sanitizeSvg(bytes(hostile));
    expect(new TextDecoder().decode(document)).not.toContain('127.0.0.1');
    const rendered = await renderSvg(document, width * 10, height * 10, { deadline: Date.now() + 20_000 });
    expect(rendered.width).toBe(400);
    await Bun.sleep(200);
    expect(connections).toBe(0);

    // The listener does count connections.
    const probe = await Bun.connect({ hostname: '127.0.0.1', port: listener.port, socket: { data() {} } });
    await Bun.sleep(50);
    probe.end();
    expect(connections).toBe(1);
  });
});
