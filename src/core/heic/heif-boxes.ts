import { AppError } from '../errors';

/**
 * What the HEIF header says about a file before any pixel is decoded: enough to refuse a pixel
 * bomb and to decide who owns the orientation. Read from the ISOBMFF boxes by hand because
 * libheif's answers need its WebAssembly build, which we only start for a real decode.
 */
export interface HeifHeader {
  /** The ftyp major brand ('heic', 'mif1', 'avif', …). */
  readonly brand: string;
  readonly primary: {
    /** 'hvc1' (HEVC), 'grid' (tiles of hvc1), 'av01', … */
    readonly itemType: string;
    /** Displayed size: ispe, then clap's crop, then irot's 90/270 swap, as libheif reports it. */
    readonly width: number;
    readonly height: number;
    /** The primary has an irot or imir property: HEIF, not EXIF, owns its orientation. */
    readonly hasTransforms: boolean;
    /** IFD0's Orientation (1..8) of the primary's Exif item, or null when there is none. */
    readonly exifOrientation: number | null;
  };
  /** Image items a viewer lists (libheif's top-level images): not hidden, thumbnails or auxiliary images. */
  readonly topLevelImages: number;
}

const IMAGE_TYPES = new Set(['hvc1', 'av01', 'grid', 'tili', 'iden', 'iovl', 'avc1', 'unci', 'vvc1', 'jpeg', 'j2k1', 'mski']);

const malformed = () => new AppError('unsupported_media_type', 'Malformed HEIF file');

/** A bounds-checked big-endian reader over [start, end) of the file: reading past `end` is a malformed file. */
class Cursor {
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}
  private take(n: number): number {
    if (n < 0 || this.pos + n > this.end) throw malformed();
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8(): number {
    return this.bytes[this.take(1)]!;
  }
  u16(): number {
    const at = this.take(2);
    return (this.bytes[at]! << 8) | this.bytes[at + 1]!;
  }
  u32(): number {
    const at = this.take(4);
    return ((this.bytes[at]! << 24) | (this.bytes[at + 1]! << 16) | (this.bytes[at + 2]! << 8) | this.bytes[at + 3]!) >>> 0;
  }
  /** An unsigned integer of 0, 4 or 8 bytes (iloc's field sizes); beyond 2^53 cannot address a real file. */
  uint(size: number): number {
    if (size === 0) return 0;
    if (size === 4) return this.u32();
    if (size !== 8) throw malformed();
    const value = this.u32() * 2 ** 32 + this.u32();
    if (!Number.isSafeInteger(value)) throw malformed();
    return value;
  }
  fourcc(): string {
    const at = this.take(4);
    return String.fromCharCode(...this.bytes.subarray(at, at + 4));
  }
  skip(n: number): void {
    this.take(n);
  }
  /** A full box's version (flags are read by the caller that needs them). */
  versionAndFlags(): { version: number; flags: number } {
    const word = this.u32();
    return { version: word >>> 24, flags: word & 0xffffff };
  }
}

interface Box {
  readonly type: string;
  /** Payload range, after the header. */
  readonly start: number;
  readonly end: number;
}

/** The boxes laid end to end in [start, end); a child that overruns its parent is malformed. */
function boxesIn(bytes: Uint8Array, start: number, end: number): Box[] {
  const boxes: Box[] = [];
  const c = new Cursor(bytes, start, end);
  while (c.pos < end) {
    const at = c.pos;
    let size = c.u32();
    const type = c.fourcc();
    if (size === 1) size = c.uint(8);
    else if (size === 0) size = end - at;
    if (type === 'uuid') c.skip(16);
    if (size < c.pos - at || at + size > end) throw malformed();
    boxes.push({ type, start: c.pos, end: at + size });
    c.pos = at + size;
  }
  return boxes;
}

const only = (boxes: Box[], type: string): Box | undefined => boxes.find((b) => b.type === type);

interface Item {
  type: string;
  hidden: boolean;
}

interface Extent {
  offset: number;
  length: number;
}

interface Location {
  /** 0: offsets in the file; 1: offsets in meta's idat; 2: in another item (not followed). */
  method: number;
  extents: Extent[];
}

interface Reference {
  type: string;
  from: number;
  to: number[];
}

export function readHeifHeader(bytes: Uint8Array): HeifHeader {
  const top = boxesIn(bytes, 0, bytes.length);
  if (top[0]?.type !== 'ftyp') throw new AppError('unsupported_media_type', 'Not a HEIF file');
  const brand = new Cursor(bytes, top[0].start, top[0].end).fourcc();
  const meta = only(top, 'meta');
  if (!meta) throw malformed();
  const metaCursor = new Cursor(bytes, meta.start, meta.end);
  metaCursor.versionAndFlags();
  const children = boxesIn(bytes, metaCursor.pos, meta.end);

  const primaryId = readPitm(bytes, only(children, 'pitm'));
  const items = readIinf(bytes, only(children, 'iinf'));
  const locations = readIloc(bytes, only(children, 'iloc'));
  const references = readIref(bytes, only(children, 'iref'));
  const { properties, associations } = readIprp(bytes, only(children, 'iprp'));
  const primaryItem = items.get(primaryId);
  if (!primaryItem) throw malformed();

  const idat = only(children, 'idat');
  const own = propertiesOf(primaryId, properties, associations);
  const { width, height } = displayedSize(bytes, own, primaryItem.type === 'grid' ? gridData(bytes, locations.get(primaryId), idat) : null);
  const hasTransforms = own.some((p) => p.type === 'irot' || p.type === 'imir');

  const exif = exifItemOf(primaryId, items, references);
  const exifLocation = exif === undefined ? undefined : locations.get(exif);
  const exifData = exifLocation ? itemData(bytes, exifLocation, idat) : null;

  return {
    brand,
    primary: { itemType: primaryItem.type, width, height, hasTransforms, exifOrientation: exifData ? exifOrientationOf(exifData) : null },
    topLevelImages: countTopLevel(items, references),
  };
}

/** Index 0 means "no property"; one past ipco's list is a broken file (libheif refuses it too). */
function propertiesOf(id: number, properties: Box[], associations: Map<number, number[]>): Box[] {
  return (associations.get(id) ?? []).flatMap((index) => {
    if (index === 0) return [];
    const property = properties[index - 1];
    if (!property) throw malformed();
    return [property];
  });
}

/** As libheif: ispe gives the coded size, then clap and irot change it in association order. */
function displayedSize(bytes: Uint8Array, own: Box[], grid: Uint8Array | null): { width: number; height: number } {
  const ispe = own.find((p) => p.type === 'ispe');
  if (!ispe) throw malformed();
  let { width, height } = readIspe(bytes, ispe);
  // A grid is decoded at the size its own data gives: one larger than ispe would dodge the pixel limit.
  if (grid && !sameSize(readGridSize(grid), { width, height })) throw malformed();
  for (const property of own) {
    if (property.type === 'clap') ({ width, height } = readClap(bytes, property));
    else if (property.type === 'irot' && new Cursor(bytes, property.start, property.end).u8() & 1) [width, height] = [height, width];
  }
  if (!width || !height) throw malformed();
  return { width, height };
}

function readPitm(bytes: Uint8Array, box: Box | undefined): number {
  if (!box) throw malformed();
  const c = new Cursor(bytes, box.start, box.end);
  return c.versionAndFlags().version === 0 ? c.u16() : c.u32();
}

function readIinf(bytes: Uint8Array, box: Box | undefined): Map<number, Item> {
  if (!box) throw malformed();
  const c = new Cursor(bytes, box.start, box.end);
  const count = c.versionAndFlags().version === 0 ? c.u16() : c.u32();
  const items = new Map<number, Item>();
  const entries = boxesIn(bytes, c.pos, box.end).filter((b) => b.type === 'infe');
  if (entries.length !== count) throw malformed();
  for (const infe of entries) {
    const e = new Cursor(bytes, infe.start, infe.end);
    const { version, flags } = e.versionAndFlags();
    // Versions 0 and 1 predate item types; such an item is nothing we read.
    const id = version === 3 ? e.u32() : e.u16();
    e.u16(); // item_protection_index
    const type = version >= 2 ? e.fourcc() : '';
    items.set(id, { type, hidden: (flags & 1) === 1 });
  }
  return items;
}

function readIloc(bytes: Uint8Array, box: Box | undefined): Map<number, Location> {
  if (!box) throw malformed();
  const c = new Cursor(bytes, box.start, box.end);
  const { version } = c.versionAndFlags();
  if (version > 2) throw malformed();
  const sizes = c.u8();
  const offsetSize = sizes >> 4;
  const lengthSize = sizes & 15;
  const more = c.u8();
  const baseOffsetSize = more >> 4;
  const indexSize = version === 0 ? 0 : more & 15;
  const count = version < 2 ? c.u16() : c.u32();
  const locations = new Map<number, Location>();
  for (let i = 0; i < count; i++) {
    const id = version < 2 ? c.u16() : c.u32();
    const method = version === 0 ? 0 : c.u16() & 15;
    c.u16(); // data_reference_index: 0 is "this file", the only kind a HEIF upload has
    const base = c.uint(baseOffsetSize);
    const extentCount = c.u16();
    const extents: Extent[] = [];
    for (let j = 0; j < extentCount; j++) {
      c.uint(indexSize);
      extents.push({ offset: base + c.uint(offsetSize), length: c.uint(lengthSize) });
    }
    locations.set(id, { method, extents });
  }
  return locations;
}

function readIref(bytes: Uint8Array, box: Box | undefined): Reference[] {
  if (!box) return [];
  const c = new Cursor(bytes, box.start, box.end);
  const wide = c.versionAndFlags().version !== 0;
  return boxesIn(bytes, c.pos, box.end).map((ref) => {
    const r = new Cursor(bytes, ref.start, ref.end);
    const id = () => (wide ? r.u32() : r.u16());
    const from = id();
    const to = Array.from({ length: r.u16() }, id);
    return { type: ref.type, from, to };
  });
}

function readIprp(bytes: Uint8Array, box: Box | undefined): { properties: Box[]; associations: Map<number, number[]> } {
  if (!box) throw malformed();
  const children = boxesIn(bytes, box.start, box.end);
  const ipco = only(children, 'ipco');
  if (!ipco) throw malformed();
  const properties = boxesIn(bytes, ipco.start, ipco.end);
  const associations = new Map<number, number[]>();
  for (const ipma of children.filter((b) => b.type === 'ipma')) {
    const c = new Cursor(bytes, ipma.start, ipma.end);
    const { version, flags } = c.versionAndFlags();
    const count = c.u32();
    for (let i = 0; i < count; i++) {
      const id = version < 1 ? c.u16() : c.u32();
      const list = associations.get(id) ?? [];
      for (let n = c.u8(); n > 0; n--) list.push(flags & 1 ? c.u16() & 0x7fff : c.u8() & 0x7f);
      associations.set(id, list);
    }
  }
  return { properties, associations };
}

function readIspe(bytes: Uint8Array, box: Box): { width: number; height: number } {
  const c = new Cursor(bytes, box.start, box.end);
  c.versionAndFlags();
  return { width: c.u32(), height: c.u32() };
}

/** A grid's own data (its rows, columns and size): it must be there. */
function gridData(bytes: Uint8Array, location: Location | undefined, idat: Box | undefined): Uint8Array {
  const data = location && itemData(bytes, location, idat);
  if (!data) throw malformed();
  return data;
}

/** ImageGrid: version, flags (bit 0: 32-bit sizes), rows - 1, columns - 1, output width and height. */
function readGridSize(data: Uint8Array): { width: number; height: number } {
  const c = new Cursor(data, 0, data.length);
  c.u8();
  const wide = (c.u8() & 1) === 1;
  c.skip(2);
  return wide ? { width: c.u32(), height: c.u32() } : { width: c.u16(), height: c.u16() };
}

const sameSize = (a: { width: number; height: number }, b: { width: number; height: number }) => a.width === b.width && a.height === b.height;

/** Clean aperture: libheif reports (and decodes to) its width and height, each rounded. */
function readClap(bytes: Uint8Array, box: Box): { width: number; height: number } {
  const c = new Cursor(bytes, box.start, box.end);
  const rounded = () => {
    const [numerator, denominator] = [c.u32(), c.u32()];
    if (denominator === 0) throw malformed();
    return Math.floor((numerator + Math.floor(denominator / 2)) / denominator);
  };
  return { width: rounded(), height: rounded() };
}

/** The Exif item describing the primary (a cdsc reference), else the file's first Exif item. */
function exifItemOf(primaryId: number, items: Map<number, Item>, references: Reference[]): number | undefined {
  const exifIds = [...items].filter(([, item]) => item.type === 'Exif').map(([id]) => id);
  const described = references.find((r) => r.type === 'cdsc' && r.to.includes(primaryId) && exifIds.includes(r.from));
  return described?.from ?? exifIds[0];
}

/** The item's bytes, its extents joined; an extent outside the file (or idat) means a truncated file. */
function itemData(bytes: Uint8Array, location: Location, idat: Box | undefined): Uint8Array | null {
  let source: Uint8Array;
  if (location.method === 0) source = bytes;
  else if (location.method === 1 && idat) source = bytes.subarray(idat.start, idat.end);
  else return null;
  const parts = location.extents.map(({ offset, length }) => {
    const end = length === 0 ? source.length : offset + length;
    if (end > source.length) throw malformed();
    return source.subarray(offset, end);
  });
  if (parts.length === 1) return parts[0]!;
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (joined.set(p, at), at + p.length), 0);
  return joined;
}

/**
 * IFD0's Orientation tag (0x0112) of a HEIF Exif item: a 4-byte offset to the TIFF header, then
 * TIFF in either byte order. A damaged Exif block only loses its orientation (null), as in
 * libvips: the image itself is still good.
 */
export function exifOrientationOf(data: Uint8Array): number | null {
  try {
    const head = new Cursor(data, 0, data.length);
    const tiff = 4 + head.u32();
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const order = String.fromCharCode(data[tiff] ?? 0, data[tiff + 1] ?? 0);
    if (order !== 'II' && order !== 'MM') return null;
    const little = order === 'II';
    const ifd = tiff + view.getUint32(tiff + 4, little);
    const count = view.getUint16(ifd, little);
    for (let i = 0; i < count; i++) {
      const entry = ifd + 2 + i * 12;
      if (view.getUint16(entry, little) !== 0x0112) continue;
      const value = view.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value : null;
    }
    return null;
  } catch {
    return null;
  }
}

/** As libheif counts them (and sharp's `pages`): image items not hidden, not a thumbnail and not an auxiliary image (alpha, depth). */
function countTopLevel(items: Map<number, Item>, references: Reference[]): number {
  const secondary = new Set(references.filter((r) => r.type === 'thmb' || r.type === 'auxl').map((r) => r.from));
  return [...items].filter(([id, item]) => IMAGE_TYPES.has(item.type) && !item.hidden && !secondary.has(id)).length;
}
