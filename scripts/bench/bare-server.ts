// Baseline servers for the benchmark, each the least a Bun server can do for the same work:
//   memory  — bytes held in memory        file — Bun.file(path) per request
//   sharp   — read the source, resize and encode with sharp on every request, no cache
//   crop    — the same for /<w>/<h>/<q>: crop to w×h where libvips' attention points, WebP q
// Usage: bun scripts/bench/bare-server.ts <memory|file|sharp|crop> <path> <port> [width] [format]
import sharp from 'sharp';

const [mode, path, port, width = '600', format = 'webp'] = process.argv.slice(2);
if (!mode || !path || !port) throw new Error('usage: bare-server.ts <memory|file|sharp|crop> <path> <port> [width] [format]');
const bytes = new Uint8Array(await Bun.file(path).arrayBuffer());
const type = `image/${format}`;

const handlers: Record<string, (request: Request) => Response | Promise<Response>> = {
  memory: () => new Response(bytes, { headers: { 'content-type': type } }),
  file: () => new Response(Bun.file(path), { headers: { 'content-type': type } }),
  sharp: async () => {
    const out = await sharp(path).resize(Number(width)).toFormat(format as 'webp', { quality: 80 }).toBuffer();
    return new Response(new Uint8Array(out), { headers: { 'content-type': type } });
  },
  crop: async (request) => {
    const [w, h, q] = new URL(request.url).pathname.split('/').slice(1).map(Number);
    const out = await sharp(path, { sequentialRead: true })
      .autoOrient()
      .resize(w, h, { fit: 'cover', position: sharp.strategy.attention })
      .toColourspace('srgb')
      .webp({ quality: q, effort: 4 })
      .toBuffer();
    return new Response(new Uint8Array(out), { headers: { 'content-type': 'image/webp' } });
  },
};
const handler = handlers[mode];
if (!handler) throw new Error(`unknown mode ${mode}`);
Bun.serve({ hostname: '127.0.0.1', port: Number(port), fetch: handler });
console.log(`ready ${port}`);
