/**
 * `attachment` with the name twice (RFC 6266): `filename` for old clients, printable ASCII
 * only, without quotes, backslashes or path separators; `filename*` (RFC 5987) with the
 * name in UTF-8 for the rest. Neither can break out of the header or name a directory.
 */
export function attachment(name: string): string {
  const base = name.replace(/[\\/]/g, '_').replace(/[\u0000-\u001f\u007f]/g, '').trim() || 'image';
  const ascii = base.replace(/[^\x20-\x7e]/g, '_').replace(/["%;]/g, '_');
  // encodeURIComponent leaves !'()* as they are; RFC 5987's attr-char allows only !: encode the rest.
  const encoded = encodeURIComponent(base).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
