import type { ApiServices } from './services';

/** The signed download of an original (`/d/...`): public, authorized by its signature alone. */
export function downloadApi(services: Pick<ApiServices, 'downloads'>) {
  return {
    open: (input: { clientId: string; signature: string; imageId: string; version: string | undefined }) => services.downloads.open(input),
  };
}
