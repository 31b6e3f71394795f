import { t, type Static } from 'elysia';
import { responsiveSet } from '../core/embed';
import { embedMarkup } from './embed-markup';
import { Integer } from './integer';
import type { ApiServices, Caller } from './services';

export const EmbedQuery = t.Object({
  preset: t.String({ maxLength: 64, description: 'A width-set preset (one with widths) without a fixed f' }),
  sizes: t.Optional(t.String({ maxLength: 1000, description: 'The sizes attribute, default 100vw; escaped, never refused' })),
  alt: t.Optional(t.String({ maxLength: 500, description: "The alt attribute instead of the image's alt text (escaped)" })),
});
export type EmbedQuery = Static<typeof EmbedQuery>;

const Srcset = (format: string) => t.String({ description: `"URL 320w, URL 640w": the preset's widths as ${format}` });
export const EmbedView = t.Object(
  {
    width: Integer({ description: "The largest width's output, with the preset's aspect" }),
    height: Integer(),
    srcset: t.Object({ avif: Srcset('AVIF'), webp: Srcset('WebP'), jpeg: Srcset('JPEG') }),
    img: t.String({ description: 'The JPEG <img>: srcset, sizes, width, height, alt, loading="lazy", decoding="async", the placeholder colour' }),
    picture: t.String({ description: '<picture> with AVIF and WebP <source>s and that <img>' }),
  },
  { title: 'Embed' },
);
export type EmbedView = Static<typeof EmbedView>;

/** Markup for one image through a width-set preset: unsigned URLs a page can use as they are. */
export function embedApi(services: ApiServices) {
  return {
    async embed(caller: Caller, imageId: string, query: EmbedQuery): Promise<EmbedView> {
      const image = await services.images.get(caller.clientId, imageId);
      const preset = await services.presets.getByName(caller.clientId, query.preset);
      const set = responsiveSet(caller.base, image, preset);
      const { img, picture } = embedMarkup(set, { sizes: query.sizes ?? '100vw', alt: query.alt ?? image.alt, placeholderColor: image.placeholder?.color });
      return { width: set.width, height: set.height, srcset: set.srcset, img, picture };
    },
  };
}
