import type { SQL } from 'bun';
import type { Change, ChangeBus } from '../core/change-feed';
import { reportUnreachable } from './postgres';

const CHANNEL = 'imgapi_changes';

/** Anything but a well-formed change (another version's message, say) makes a node forget everything. */
function parseChange(value: unknown): Change {
  const change = value as Partial<Record<string, unknown>> | null;
  if (change?.kind === 'image' && typeof change.clientId === 'string' && typeof change.imageId === 'string') {
    return { kind: 'image', clientId: change.clientId, imageId: change.imageId };
  }
  if (change?.kind === 'preset' && typeof change.clientId === 'string' && typeof change.name === 'string') {
    return { kind: 'preset', clientId: change.clientId, name: change.name };
  }
  if (change?.kind === 'client' && typeof change.clientId === 'string') return { kind: 'client', clientId: change.clientId };
  return { kind: 'external' };
}

/**
 * Nodes sharing a PostgreSQL database tell each other what changed with NOTIFY on one
 * channel; each hears the others on a LISTEN connection of its own.
 */
export function createPostgresChangeBus(sql: SQL): ChangeBus {
  const node = crypto.randomUUID();
  return {
    publish: (change) => sql.notify(CHANNEL, JSON.stringify({ node, change })).catch((error) => Promise.reject(reportUnreachable(error))),
    async subscribe(onChange) {
      let connected = false;
      const subscription = await sql.listen(
        CHANNEL,
        (payload) => {
          let message: { node?: unknown; change?: unknown } | null = null;
          try {
            message = JSON.parse(payload);
          } catch {}
          if (message?.node !== node) onChange(parseChange(message?.change));
        },
        () => {
          // After a reconnect, notifications sent meanwhile are lost: start over from the database.
          if (connected) onChange({ kind: 'external' });
          connected = true;
        },
      );
      return () => subscription.unlisten();
    },
  };
}
