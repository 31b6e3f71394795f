import { AppError } from '../errors';
// Files embedded in the executable (`bun build --compile`); the imports give their paths.
import wasmFile from '@resvg/resvg-wasm/index_bg.wasm' with { type: 'file' };
import fontFile from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf' with { type: 'file' };
import type { RenderReply, RenderRequest } from './render-svg-worker';
import { runOnce } from '../one-shot-worker';
import { withRootSize } from './sanitize-svg';
import { MAX_SVG_SIDE } from './svg-size';

export interface RenderedSvg {
  /** Straight (not premultiplied) RGBA, row by row. */
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

const tooLong = () => new AppError('overloaded', 'The transform took too long; retry shortly', { details: { retryAfterSeconds: 1 } });
const unrenderable = (message: string) => new AppError('unsupported_media_type', `The SVG could not be rendered: ${message.slice(0, 200)}`);
/** The worker failed to load or died without answering: our fault (a build without its entrypoint), not the document's. */
const workerFailed = (message: string) => new AppError('internal', `The SVG renderer failed: ${message.slice(0, 200)}`);

interface Assets {
  readonly wasm: WebAssembly.Module;
  readonly font: Uint8Array;
}

// Compiled once per process (off the event loop: WebAssembly.compile is asynchronous) and
// handed to each worker, which then only instantiates it.
let assets: Promise<Assets> | undefined;
const loadAssets = () =>
  (assets ??= (async () => {
    const [wasm, font] = await Promise.all([Bun.file(wasmFile).arrayBuffer(), Bun.file(fontFile).arrayBuffer()]);
    return { wasm: await WebAssembly.compile(wasm), font: new Uint8Array(font) };
  })());

/**
 * Rasterizes a document from sanitizeSvg at exactly width×height (the caller keeps the aspect;
 * the viewBox absorbs a pixel of rounding). resvg is synchronous WebAssembly, 3–4 s of CPU at
 * 8192², so it runs in a worker the event loop never waits on. One worker per render, ended
 * after it: WASM memory only grows, so a reused worker would keep its largest render's memory
 * (~570 MB after an 8192² render) for good, and ending the thread is also the only way to stop
 * a render at the deadline. A worker costs ~20 ms (thread, wasm instance), against 190 ms for
 * a logo at 2000².
 */
export async function renderSvg(document: Uint8Array, width: number, height: number, opts: { deadline: number }): Promise<RenderedSvg> {
  for (const side of [width, height]) {
    if (!Number.isInteger(side) || side < 1 || side > MAX_SVG_SIDE) {
      throw new AppError('limit_exceeded', `An SVG is rendered at 1 to ${MAX_SVG_SIDE} pixels a side; asked for ${width}×${height}`);
    }
  }
  if (opts.deadline <= Date.now()) throw tooLong();
  const { wasm, font } = await loadAssets();
  const request: RenderRequest = { document: withRootSize(document, width, height), wasm, font };
  const reply = await runOnce<RenderReply>(new URL('./render-svg-worker.ts', import.meta.url).href, request, [request.document.buffer as ArrayBuffer], opts.deadline, {
    tooLong,
    failed: workerFailed,
  });
  if (!reply.ok) throw unrenderable(reply.message);
  if (reply.width !== width || reply.height !== height || reply.data.length !== width * height * 4) {
    throw new AppError('internal', `The SVG renderer drew ${reply.width}×${reply.height} for ${width}×${height}`);
  }
  return { data: reply.data, width, height };
}
