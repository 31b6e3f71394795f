// Run with plain Node from inside the repository: everything comes through the package's own
// `imgapi/url` export (self-reference), as a user's code would import it. Prints URLs as JSON.
import { placeholderStyle, presetSrcset, presetUrl, signedUrl } from 'imgapi/url';
import imgapiLoader from '../../examples/next-image-loader.mjs';
import { responsiveImg } from '../../examples/responsive-img.mjs';
import { imageRedirect } from '../../examples/express-signed-redirect.mjs';

const { baseUrl, clientId, secret, imageId, signed, presets, widths, image } = JSON.parse(process.argv[2]);
const common = { baseUrl, clientId, imageId };

let redirect;
await imageRedirect({ params: { id: imageId } }, { redirect: (status, url) => (redirect = { status, url }) });

const out = {
  signed: await Promise.all(signed.map((c) => signedUrl({ ...common, secret, ...c }))),
  wrongSecret: await signedUrl({ ...common, secret: `${secret}x`, transform: 'w_64,f_png' }),
  presets: presets.map((p) => presetUrl({ ...common, ...p })),
  srcset: presetSrcset({ ...common, preset: 'responsive', widths: [...widths].reverse().concat(widths), format: 'webp' }),
  loader: widths.map((width) => imgapiLoader({ src: imageId, width })),
  img: responsiveImg({ baseUrl, clientId, image, alt: 'A "quoted" <alt>' }),
  placeholder: placeholderStyle(image.placeholder),
  redirect,
};
process.stdout.write(JSON.stringify(out));
