/**
 * Decodes one HEIC's primary image to 8-bit RGBA with libheif's WebAssembly build (libde265 for
 * HEVC), in a worker of its own: the decode is synchronous (seconds for a phone photo, which
 * would block the event loop) and WASM memory never shrinks, so the thread ends after each file.
 * Load it only with `new Worker(...)` (decode-heic.ts); it is a build entrypoint of its own.
 */
import createLibheif from 'libheif-js/libheif-wasm/libheif.js';

export interface DecodeRequest {
  readonly bytes: Uint8Array;
  /** The caller's pixel limit, which the header already met. */
  readonly maxPixels: number;
  /** libheif.wasm compiled once by the parent: instantiating it here is what a worker costs. */
  readonly wasm: WebAssembly.Module;
}

export type DecodeReply =
  | { readonly ok: true; readonly data: Uint8Array; readonly width: number; readonly height: number; readonly hasAlpha: boolean }
  | { readonly ok: false; readonly message: string };

/** The slice of libheif's embind API used here (C API names; see libheif's heif_emscripten.h). */
interface LibHeif {
  heif_context_alloc(): Handle;
  heif_context_free(context: Handle): void;
  heif_context_read_from_memory(context: Handle, bytes: Uint8Array): { code: { value: number }; message: string };
  heif_js_context_get_primary_image_handle(context: Handle): Handle & { code?: unknown; message?: string };
  heif_image_handle_has_alpha_channel(handle: Handle): number;
  heif_image_handle_release(handle: Handle): void;
  heif_js_decode_image2(handle: Handle, colorspace: unknown, chroma: unknown): Decoded;
  heif_image_release(image: Handle): void;
  heif_colorspace: { heif_colorspace_RGB: unknown };
  heif_chroma: { heif_chroma_interleaved_RGBA: unknown };
  heif_channel: { heif_channel_interleaved: { value: number } };
  _heif_get_global_security_limits(): number;
  HEAPU8: Uint8Array;
}
type Handle = object;
interface Plane {
  id: { value: number };
  stride: number;
  width: number;
  height: number;
  data: Uint8Array;
}
interface Decoded {
  image?: Handle;
  message?: string;
  channels?: Plane[];
}

/** Emscripten's hook for bringing our own instance: synchronous, so the module is ready on return. */
function instantiate(wasm: WebAssembly.Module): LibHeif {
  const options = {
    instantiateWasm(imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      const instance = new WebAssembly.Instance(wasm, imports);
      receive(instance, wasm);
      return instance.exports;
    },
  };
  return createLibheif(options) as unknown as LibHeif;
}

/**
 * Lowers libheif's own image size limit (1 gigapixel by default) towards ours, so that any image
 * the file makes it allocate (a tile, a grid canvas, an overlay) far larger than the header
 * promised is refused before allocation; slack, because a tile may overhang the canvas. These
 * are the defaults every new context copies, and this instance serves one file only.
 */
function limitImageSize(libheif: LibHeif, maxPixels: number): void {
  const limits = libheif._heif_get_global_security_limits();
  const memory = new DataView(libheif.HEAPU8.buffer);
  // struct heif_security_limits { uint8_t version; uint64_t max_image_size_pixels; ... }: offset 8 in wasm32.
  // Anything but the documented default there means another layout: leave it alone.
  if (memory.getUint8(limits) < 1 || memory.getBigUint64(limits + 8, true) !== BigInt(32768 * 32768)) return;
  memory.setBigUint64(limits + 8, BigInt(Math.max(2 * maxPixels, 2048 * 2048)), true);
}

function decodePrimary(libheif: LibHeif, bytes: Uint8Array): DecodeReply {
  const context = libheif.heif_context_alloc();
  try {
    const read = libheif.heif_context_read_from_memory(context, bytes);
    if (read.code.value !== 0) return { ok: false, message: read.message };
    const handle = libheif.heif_js_context_get_primary_image_handle(context);
    if (handle.code) return { ok: false, message: handle.message ?? 'no primary image' };
    try {
      // Default decoding options: libheif applies clap, irot and imir itself.
      const decoded = libheif.heif_js_decode_image2(handle, libheif.heif_colorspace.heif_colorspace_RGB, libheif.heif_chroma.heif_chroma_interleaved_RGBA);
      if (!decoded.image) return { ok: false, message: decoded.message ?? 'decoding failed' };
      try {
        const plane = decoded.channels?.find((c) => c.id.value === libheif.heif_channel.heif_channel_interleaved.value);
        if (!plane) return { ok: false, message: 'no interleaved RGBA plane' };
        const hasAlpha = libheif.heif_image_handle_has_alpha_channel(handle) === 1;
        return { ok: true, data: packRows(plane), width: plane.width, height: plane.height, hasAlpha };
      } finally {
        libheif.heif_image_release(decoded.image);
      }
    } finally {
      libheif.heif_image_handle_release(handle);
    }
  } finally {
    libheif.heif_context_free(context);
  }
}

/** Copies the plane out of WASM memory (a view that dies with the image), dropping row padding. */
function packRows(plane: Plane): Uint8Array {
  const row = plane.width * 4;
  if (plane.stride === row) return plane.data.slice(0, row * plane.height);
  const packed = new Uint8Array(row * plane.height);
  for (let y = 0; y < plane.height; y++) packed.set(plane.data.subarray(y * plane.stride, y * plane.stride + row), y * row);
  return packed;
}

declare const self: Worker;

self.onmessage = ({ data: request }: MessageEvent<DecodeRequest>) => {
  // Outside the try: a module that will not start is our fault (the worker's error event), not the file's.
  const libheif = instantiate(request.wasm);
  limitImageSize(libheif, request.maxPixels);
  let reply: DecodeReply;
  try {
    reply = decodePrimary(libheif, request.bytes);
  } catch (error) {
    // libheif aborts (a WebAssembly RuntimeError) on some damaged streams and on running out of memory.
    reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(reply, reply.ok ? [reply.data.buffer as ArrayBuffer] : []);
};
