import { describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { AppError } from '../../src/core/errors';
import { renderSvg } from '../../src/core/svg/render-svg';
import { sanitizeSvg } from '../../src/core/svg/sanitize-svg';

const NS = 'xmlns="http://www.w3.org/2000/svg"';
const sanitized = (text: string) => sanitizeSvg(new TextEncoder().encode(text)).document;
const soon = () => ({ deadline: Date.now() + 20_000 });

/** The rendering read back through sharp, as the pipeline will read it. */
async function decoded(rendered: { data: Uint8Array; width: number; height: number }) {
  const image = sharp(Buffer.from(rendered.data), { raw: { width: rendered.width, height: rendered.height, channels: 4 } });
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * 4, (y * info.width + x) * 4 + 4));
  return { info, at };
}

async function expectOverloaded(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('overloaded');
  expect((error as AppError).status).toBe(503);
  expect((error as AppError).details).toEqual({ retryAfterSeconds: 1 });
}

describe('renderSvg', () => {
  test('a 100×50 red rect drawn at 2000×1000 is red all over, at that size', async () => {
    const document = sanitized(`<svg ${NS} width="100" height="50"><rect width="100" height="50" fill="red"/></svg>`);
    const rendered = await renderSvg(document, 2000, 1000, soon());
    expect([rendered.width, rendered.height, rendered.data.length]).toEqual([2000, 1000, 2000 * 1000 * 4]);
    const { info, at } = await decoded(rendered);
    expect([info.width, info.height, info.channels]).toEqual([2000, 1000, 4]);
    expect(at(1000, 500)).toEqual([255, 0, 0, 255]);
    expect(at(0, 0)).toEqual([255, 0, 0, 255]);
    expect(at(1999, 999)).toEqual([255, 0, 0, 255]);
  });

  test('the size asked for wins over a pixel of rounding: the viewBox scales to it', async () => {
    const document = sanitized(`<svg ${NS} width="3" height="1"><rect width="3" height="1" fill="blue"/></svg>`);
    const rendered = await renderSvg(document, 10, 4, soon());
    expect([rendered.width, rendered.height]).toEqual([10, 4]);
    expect((await decoded(rendered)).at(5, 2)).toEqual([0, 0, 255, 255]);
  });

  test('alpha is straight, not premultiplied', async () => {
    const document = sanitized(`<svg ${NS} width="4" height="4"><rect width="4" height="4" fill="red" fill-opacity="0.5"/></svg>`);
    const [r, g, b, a] = (await decoded(await renderSvg(document, 4, 4, soon()))).at(2, 2);
    expect(r).toBe(255);
    expect([g, b]).toEqual([0, 0]);
    expect(Math.abs(a! - 128)).toBeLessThanOrEqual(1);
  });

  test('text is drawn with the bundled font, whatever family it names', async () => {
    for (const family of ['DejaVu Sans', 'Helvetica, Arial', 'serif', 'monospace']) {
      const document = sanitized(`<svg ${NS} width="200" height="60"><text x="10" y="45" font-size="40" font-family="${family}" fill="black">Hg</text></svg>`);
      const rendered = await renderSvg(document, 200, 60, soon());
      let inked = 0;
      for (let i = 3; i < rendered.data.length; i += 4) if (rendered.data[i]! > 128) inked++;
      // "Hg" at 40 px covers several hundred pixels; nothing outside the text is drawn.
      expect(inked).toBeGreaterThan(300);
      expect(inked).toBeLessThan(200 * 60 / 2);
    }
  });

  test('an embedded PNG is drawn', async () => {
    const png = (await sharp({ create: { width: 2, height: 2, channels: 3, background: '#00ff00' } }).png().toBuffer()).toString('base64');
    const document = sanitized(`<svg ${NS} width="10" height="10"><image href="data:image/png;base64,${png}" width="10" height="10" preserveAspectRatio="none"/></svg>`);
    expect((await decoded(await renderSvg(document, 20, 20, soon()))).at(10, 10)).toEqual([0, 255, 0, 255]);
  });

  test('a deadline already past: 503 overloaded, nothing started', async () => {
    const document = sanitized(`<svg ${NS} width="10" height="10"/>`);
    await expectOverloaded(renderSvg(document, 10, 10, { deadline: Date.now() - 1 }));
  });

  test('a render still running at the deadline is a 503 overloaded, settled only once its thread has really stopped (it keeps its slot meanwhile)', async () => {
    // Turbulence with many octaves under a blur at 2000² takes seconds, and Bun's terminate()
    // does not always cut the WebAssembly call short: the thread may run on until it returns.
    const document = sanitized(
      `<svg ${NS} width="100" height="100"><filter id="f"><feTurbulence baseFrequency="0.05" numOctaves="10"/><feGaussianBlur stdDeviation="20"/></filter><rect width="100" height="100" filter="url(#f)"/></svg>`,
    );
    await renderSvg(document, 10, 10, soon()); // The assets are loaded: what follows is the render.
    const started = Date.now();
    await expectOverloaded(renderSvg(document, 2000, 2000, { deadline: started + 100 }));
    // Stopped at once (terminate() sometimes does cut it short) or at its end, the thread is
    // gone once the call has settled: nothing of it burns a core after.
    const cpu = process.cpuUsage();
    await Bun.sleep(500);
    expect(process.cpuUsage(cpu).user / 1000).toBeLessThan(250);
  });

  test('a size out of range is refused before any work', async () => {
    const document = sanitized(`<svg ${NS} width="10" height="10"/>`);
    for (const [w, h] of [[0, 10], [10, 16384], [1.5, 10]] as const) {
      await expect(renderSvg(document, w, h, soon())).rejects.toMatchObject({ code: 'limit_exceeded' });
    }
  });

  test('only documents from sanitizeSvg are taken', async () => {
    const raw = new TextEncoder().encode(`<svg ${NS} width="10" height="10"/>`);
    await expect(renderSvg(raw, 10, 10, soon())).rejects.toMatchObject({ code: 'internal' });
  });
});
