import { createHash } from 'node:crypto';
import type { ChangeFeed } from './change-feed';
import { AppError, conflict, invalid, notFound } from './errors';
import { newApiKey, newId, newPassword, newSigningSecret } from './ids';
import { createLru } from './lru';
import { clientNameKey, isClientId, validateClientId, validateClientName, validateKeyName } from './names';
import type { ApiKeyRecord, ClientRecord, Repositories } from './ports';
import { hashPassword, UNKNOWN_USER_HASH, validateUsername } from './users';

export interface AccountDeps {
  repos: Pick<Repositories, 'clients' | 'apiKeys' | 'users' | 'images' | 'trash'>;
  feed: Pick<ChangeFeed, 'publish' | 'subscribe'>;
  now: () => string;
}

/** The longest grace period a rotated secret keeps verifying for: a year. */
export const MAX_GRACE_SECONDS = 365 * 24 * 3600;

export interface RotatedSecret {
  /** The new secret: shown once by the API (the CLI's `client secret` prints it again). */
  secret: string;
  /** Until when URLs signed with the previous secret verify (now, for no grace). */
  previousValidUntil: string;
}

export interface IssuedKey {
  key: ApiKeyRecord;
  /** The secret itself: shown once, never stored. */
  apiKey: string;
}

// API keys carry ~238 random bits, so a fast hash is as strong as a slow one and allows lookup by hash.
const hashApiKey = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex');

// lastUsedAt is informational: write it at most once a minute per key, not on every request.
const TOUCH_INTERVAL_MS = 60_000;

function slugify(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32);
}

/** Clients (tenants), their API keys, and dashboard users. */
export function createAccountService(deps: AccountDeps) {
  const { repos, now } = deps;
  // Delivery needs a client's secret on every request; clients are never deleted, so cache them
  // until their secret rotates (here, or on another node: the change feed says so).
  const clientCache = new Map<string, ClientRecord>();
  deps.feed.subscribe((change) => {
    if (change.kind === 'client') clientCache.delete(change.clientId);
    else if (change.kind === 'external') clientCache.clear();
  });
  // Unknown ids too, briefly, so a flood of URLs with made-up clients costs no database work;
  // briefly, because `imgapi client create` in another process may add the client any time.
  const unknownClients = createLru<number>({ maxWeight: 10_000 });
  const UNKNOWN_TTL_MS = 10_000;

  async function getClient(id: string): Promise<ClientRecord> {
    const cached = clientCache.get(id);
    if (cached) return cached;
    const unknownSince = unknownClients.get(id);
    if (unknownSince !== undefined && Date.now() - unknownSince < UNKNOWN_TTL_MS) throw notFound('Client');
    const client = isClientId(id) ? await repos.clients.get(id) : null;
    if (!client) {
      if (isClientId(id)) unknownClients.set(id, Date.now());
      throw notFound('Client');
    }
    clientCache.set(id, client);
    return client;
  }

  /**
   * The client as stored now, refreshing the cache: what signs URLs and shows the secret. The
   * cache follows a rotation on another node only when its change arrives, and a URL signed in
   * between would carry a secret already replaced.
   */
  async function currentClient(id: string): Promise<ClientRecord> {
    const client = isClientId(id) ? await repos.clients.get(id) : null;
    if (!client) throw notFound('Client');
    clientCache.set(id, client);
    return client;
  }

  /** `createdBy`: the dashboard user making it, so disabling them can revoke it (null for the CLI or a key). */
  async function createKey(clientId: string, name = 'default', createdBy: string | null = null): Promise<IssuedKey> {
    const keyName = validateKeyName(name);
    await getClient(clientId);
    const apiKey = newApiKey();
    const key: ApiKeyRecord = {
      id: newId(),
      clientId,
      name: keyName,
      prefix: apiKey.slice(0, 10),
      createdAt: now(),
      lastUsedAt: null,
      createdBy,
    };
    await repos.apiKeys.insert(key, hashApiKey(apiKey));
    return { key, apiKey };
  }

  async function chooseClientId(name: string, requested?: string): Promise<string> {
    if (requested !== undefined) return validateClientId(requested);
    const slug = slugify(name);
    if (isClientId(slug) && !(await repos.clients.get(slug))) return slug;
    return `c-${newId().toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 12)}`;
  }

  // Name checks and the writes they guard run one at a time in this process, so two requests
  // cannot both see a name as free.
  let nameLock: Promise<unknown> = Promise.resolve();
  function withNameLock<T>(run: () => Promise<T>): Promise<T> {
    const next = nameLock.then(run, run);
    nameLock = next.catch(() => undefined);
    return next;
  }

  async function checkNameFree(name: string, exceptId?: string): Promise<void> {
    const key = clientNameKey(name);
    const taken = (await repos.clients.list()).find((c) => c.id !== exceptId && clientNameKey(c.name) === key);
    if (taken) throw conflict(`A client named "${taken.name}" already exists (${taken.id})`);
  }

  /** `createdBy`: the dashboard user making it, who also makes its first key. */
  async function createClient(name: string, requestedId?: string, createdBy: string | null = null): Promise<{ client: ClientRecord; apiKey: IssuedKey }> {
    const displayName = validateClientName(name);
    const client = await withNameLock(async () => {
      await checkNameFree(displayName);
      const record: ClientRecord = {
        id: await chooseClientId(displayName, requestedId),
        name: displayName,
        signingSecret: newSigningSecret(),
        createdAt: now(),
      };
      await repos.clients.insert(record);
      return record;
    });
    unknownClients.delete(client.id);
    return { client, apiKey: await createKey(client.id, 'default', createdBy) };
  }

  async function renameClient(id: string, name: string): Promise<ClientRecord> {
    const displayName = validateClientName(name);
    await getClient(id);
    await withNameLock(async () => {
      await checkNameFree(displayName, id);
      if (!(await repos.clients.rename(id, displayName))) throw notFound('Client');
    });
    await deps.feed.publish({ kind: 'client', clientId: id });
    return currentClient(id);
  }

  /**
   * Deletes a client with its keys, folders, presets, webhooks and purge targets. Refused for
   * the last client (nothing could sign in to the API any more) and while the client has
   * images, in the trash too: deleting originals is for the image API, where each deletion is seen and purged.
   */
  async function deleteClient(id: string): Promise<void> {
    await getClient(id);
    if ((await repos.clients.list()).length <= 1) throw conflict('The last client cannot be deleted');
    const { total } = await repos.images.list({ clientId: id, scope: { kind: 'all' }, limit: 1, offset: 0 });
    if (total > 0) throw conflict(`Client "${id}" still has ${total} image${total === 1 ? '' : 's'}; delete them first`);
    // Trashed images keep their files until purged: the same rule, or the files would be left behind.
    const trashed = (await repos.trash.list(id, 1, 0)).total;
    if (trashed > 0) throw conflict(`Client "${id}" still has ${trashed} image${trashed === 1 ? '' : 's'} in the trash; delete them permanently first`);
    if (!(await repos.clients.delete(id))) throw notFound('Client');
    clientCache.delete(id);
    await deps.feed.publish({ kind: 'client', clientId: id });
  }

  async function createUser(username: string, password: string): Promise<void> {
    const name = validateUsername(username);
    const passwordHash = await hashPassword(password);
    await repos.users.insert({ id: newId(), username: name, passwordHash, role: 'owner', clientIds: [], disabledAt: null, createdAt: now() });
  }

  /**
   * A new signing secret at once; the current one keeps verifying for `graceSeconds` (0: not at
   * all). Only one previous secret is kept: rotating again within the grace ends the older one.
   */
  async function rotateSecret(clientId: string, graceSeconds: number): Promise<RotatedSecret> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
      throw invalid(`graceSeconds must be an integer from 0 to ${MAX_GRACE_SECONDS} (a year)`);
    }
    await getClient(clientId); // 404 for an unknown id, as everywhere
    // The secret as stored now, not as cached: the update below only lands if it is still that
    // one, so of two rotations at once one wins and the other is told, and no secret handed out
    // is one that never worked.
    const client = await repos.clients.get(clientId);
    if (!client) throw notFound('Client');
    const at = Date.parse(now());
    const previousValidUntil = new Date(at + graceSeconds * 1000).toISOString();
    const secret = newSigningSecret();
    const previous = graceSeconds > 0 ? { secret: client.signingSecret, validUntil: previousValidUntil } : null;
    if (!(await repos.clients.rotateSecret(client.id, client.signingSecret, secret, previous))) {
      throw conflict('The signing secret was rotated at the same moment by another request; read it again before rotating');
    }
    await deps.feed.publish({ kind: 'client', clientId: client.id });
    return { secret, previousValidUntil };
  }

  return {
    getClient,
    currentClient,
    rotateSecret,
    createKey,
    createClient,
    renameClient,
    deleteClient,
    createUser,
    listClients: () => repos.clients.list(),

    listKeys: (clientId: string) => repos.apiKeys.list(clientId),
    keysMadeBy: (userId: string) => repos.apiKeys.listByCreator(userId),
    keyCountsByMaker: () => repos.apiKeys.countByCreator(),

    async revokeKey(clientId: string, keyId: string): Promise<void> {
      if (!(await repos.apiKeys.delete(clientId, keyId))) throw notFound('API key');
    },

    /** The key's record, or null for a missing, malformed, unknown or revoked key. */
    async authenticate(apiKey: string | null | undefined): Promise<ApiKeyRecord | null> {
      if (!apiKey || !apiKey.startsWith('isk_') || apiKey.length > 200) return null;
      const key = await repos.apiKeys.findByHash(hashApiKey(apiKey));
      if (!key) return null;
      const at = now();
      if (!key.lastUsedAt || Date.parse(at) - Date.parse(key.lastUsedAt) > TOUCH_INTERVAL_MS) {
        await repos.apiKeys.touch(key.id, at);
      }
      return key;
    },

    async verifyUser(username: string, password: string): Promise<boolean> {
      const user = await repos.users.findByUsername(username);
      // An unknown user costs the same argon2 work as a wrong password: timing tells nothing.
      if (!user) return Bun.password.verify(password, UNKNOWN_USER_HASH).then(() => false);
      return Bun.password.verify(password, user.passwordHash);
    },

    /**
     * First start on an empty data directory: client `default`, an API key and user `admin`
     * with a random password. Returns what was created so the caller can print it once.
     */
    async bootstrap(): Promise<{ clientId: string; apiKey: string; username: string; password: string } | null> {
      if ((await repos.clients.list()).length > 0 || (await repos.users.count()) > 0) return null;
      let issued: Awaited<ReturnType<typeof createClient>>;
      try {
        issued = await createClient('default', 'default');
      } catch (error) {
        // Another node sharing the database, started at the same moment, got there first.
        if (error instanceof AppError && error.code === 'conflict') return null;
        throw error;
      }
      const { client, apiKey } = issued;
      const password = newPassword();
      await createUser('admin', password);
      return { clientId: client.id, apiKey: apiKey.apiKey, username: 'admin', password };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
