import { auditApi } from './audit';
import { bulkImagesApi } from './bulk-images';
import { clientsApi } from './clients';
import { downloadApi } from './download';
import { embedApi } from './embed';
import { foldersApi } from './folders';
import { imagesApi } from './images';
import { keysApi } from './keys';
import { presetsApi } from './presets';
import { purgeTargetsApi } from './purge-targets';
import { searchApi } from './search';
import type { ApiServices } from './services';
import { usageApi } from './usage';
import { quotasApi } from './quotas';
import { signApi } from './sign';
import { signingSecretApi } from './signing-secret';
import { trashApi } from './trash';
import { usersApi } from './users';
import { webhooksApi } from './webhooks';

/** Every use case of the API over one set of core services: what routes and the CLI's local mode call. */
export function createApi(services: ApiServices) {
  return {
    images: imagesApi(services),
    trash: trashApi(services),
    download: downloadApi(services),
    bulk: bulkImagesApi(services),
    embed: embedApi(services),
    folders: foldersApi(services),
    search: searchApi(services),
    sign: signApi(services),
    signingSecret: signingSecretApi(services),
    presets: presetsApi(services),
    purgeTargets: purgeTargetsApi(services),
    keys: keysApi(services),
    webhooks: webhooksApi(services),
    clients: clientsApi(services),
    users: usersApi(services),
    audit: auditApi(services),
    usage: usageApi(services),
    quotas: quotasApi(services),
  };
}

export type Api = ReturnType<typeof createApi>;
export type { Actor, ApiServices, Caller } from './services';
export { userActor } from './services';

/** Schemas the OpenAPI document must carry as named components (ones referred to by $ref). */
export { FolderTreeNode } from './folders';
