/**
 * Rasterizes one sanitized SVG with resvg's WebAssembly build. resvg in WebAssembly can open no
 * file and no socket and sees no system font, so whatever a document names, it draws only from
 * its own bytes and the one bundled font: the same pixels on every host.
 * Load it only with `new Worker(...)` (render-svg.ts); it is a build entrypoint of its own.
 */
import { initWasm, Resvg } from '@resvg/resvg-wasm';

export interface RenderRequest {
  /** A document from sanitizeSvg, its root already sized to the output (see withRootSize). */
  readonly document: Uint8Array;
  /** resvg compiled once by the parent: instantiating it here takes ~12 ms, compiling ~160 ms. */
  readonly wasm: WebAssembly.Module;
  /** The one font there is (DejaVu Sans). */
  readonly font: Uint8Array;
}

export type RenderReply =
  | { readonly ok: true; readonly data: Uint8Array; readonly width: number; readonly height: number }
  | { readonly ok: false; readonly message: string };

const FAMILY = 'DejaVu Sans';

// initWasm throws when called twice: once per worker, whatever the message count.
let initialized: Promise<void> | undefined;

async function render(request: RenderRequest): Promise<RenderReply> {
  await (initialized ??= initWasm(request.wasm));
  // Only fontBuffers: the wasm build has no font directory to scan, and every generic family
  // resolves to the bundled face so `font-family: serif` cannot come out blank.
  const resvg = new Resvg(request.document, {
    fitTo: { mode: 'original' },
    font: {
      fontBuffers: [request.font],
      defaultFontFamily: FAMILY,
      sansSerifFamily: FAMILY,
      serifFamily: FAMILY,
      monospaceFamily: FAMILY,
      cursiveFamily: FAMILY,
      fantasyFamily: FAMILY,
    },
  });
  try {
    const image = resvg.render();
    try {
      // `pixels` is a copy out of WASM memory, so it outlives `image`.
      return { ok: true, data: unpremultiply(image.pixels), width: image.width, height: image.height };
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

/**
 * resvg hands out tiny-skia's premultiplied pixels; everything downstream (sharp's raw input)
 * reads straight alpha, which would darken every anti-aliased edge. In place.
 */
function unpremultiply(data: Uint8Array): Uint8Array {
  for (let i = 3; i < data.length; i += 4) {
    const alpha = data[i]!;
    if (alpha === 0 || alpha === 255) continue;
    const scale = 255 / alpha;
    data[i - 3] = Math.min(255, Math.round(data[i - 3]! * scale));
    data[i - 2] = Math.min(255, Math.round(data[i - 2]! * scale));
    data[i - 1] = Math.min(255, Math.round(data[i - 1]! * scale));
  }
  return data;
}

declare const self: Worker;

self.onmessage = async (event: MessageEvent<RenderRequest>) => {
  let reply: RenderReply;
  try {
    reply = await render(event.data);
  } catch (error) {
    // resvg reports a document it cannot read as a thrown string; running out of WASM memory is a RuntimeError.
    reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(reply, reply.ok ? [reply.data.buffer as ArrayBuffer] : []);
};
