import type { FolderRecord, ImageRecord, PresetRecord } from '../ports';
import { randomBytes } from 'node:crypto';
import type { OutboxMessage } from './ports';

/** What changed, as the core services commit it; subscribers turn it into outbox messages. */
export type ChangeEvent =
  /** `image.trashed`: moved to the trash (gone from delivery); `image.deleted`: gone for good; `image.restored`: back from the trash. */
  | { type: 'image.created' | 'image.deleted' | 'image.trashed' | 'image.restored'; clientId: string; at: string; image: ImageRecord }
  | { type: 'image.replaced' | 'image.updated'; clientId: string; at: string; image: ImageRecord; previous: ImageRecord }
  | { type: 'folder.created'; clientId: string; at: string; folder: FolderRecord }
  | { type: 'folder.renamed'; clientId: string; at: string; folder: FolderRecord; previous: FolderRecord }
  /** `images`: every image deleted with the folder and its sub-folders (moved to the trash unless it is off). */
  | { type: 'folder.deleted'; clientId: string; at: string; folder: FolderRecord; images: ImageRecord[] }
  | { type: 'preset.created' | 'preset.deleted'; clientId: string; at: string; preset: PresetRecord }
  | { type: 'preset.updated'; clientId: string; at: string; preset: PresetRecord; previous: PresetRecord };

export type ChangeEventType = ChangeEvent['type'];

export const CHANGE_EVENT_TYPES: readonly ChangeEventType[] = [
  'image.created', 'image.replaced', 'image.updated', 'image.deleted', 'image.trashed', 'image.restored',
  'folder.created', 'folder.renamed', 'folder.deleted',
  'preset.created', 'preset.updated', 'preset.deleted',
];

/** Turns a change into the messages one feature needs (none is fine). Must not do I/O. */
export type ChangeSubscriber = (event: ChangeEvent) => readonly OutboxMessage[];

/** Every subscriber's messages for one change. */
export function changeOutbox(subscribers: readonly ChangeSubscriber[]): ChangeSubscriber {
  return (event) => subscribers.flatMap((subscriber) => subscriber(event));
}

export const noChangeOutbox: ChangeSubscriber = () => [];

/** `msg_` + 16 random bytes, base64url: a Standard Webhooks message id, unique across nodes. */
export function newMessageId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}
