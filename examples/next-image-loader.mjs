// next.config.js: images: { loader: 'custom', loaderFile: './next-image-loader.mjs',
//   deviceSizes: [640, 960, 1200], imageSizes: [320] }   (the preset's widths, nothing else)
// <Image src={image.id} width={1200} height={800} sizes="100vw" alt="…" />
import { presetUrl } from 'imgapi/url';

export default function imgapiLoader({ src, width }) {
  return presetUrl({
    baseUrl: process.env.NEXT_PUBLIC_IMGAPI_URL, // https://img.example.com
    clientId: process.env.NEXT_PUBLIC_IMGAPI_CLIENT,
    preset: 'responsive', // POST /api/v1/presets { name: 'responsive', params: 'f_webp,q_80', widths: [320, 640, 960, 1200] }
    imageId: src,
    width,
    format: 'webp',
  });
}
