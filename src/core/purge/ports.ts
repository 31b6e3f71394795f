import type { PurgeTargetConfig } from './types';

export interface PurgeTargetRecord {
  id: string;
  clientId: string;
  config: PurgeTargetConfig;
  createdAt: string;
}

export interface PurgeTargetRepository {
  insert(target: PurgeTargetRecord): Promise<void>;
  /** Oldest first. */
  list(clientId: string): Promise<PurgeTargetRecord[]>;
  get(clientId: string, id: string): Promise<PurgeTargetRecord | null>;
  /** False when no such target belongs to the client. */
  delete(clientId: string, id: string): Promise<boolean>;
}
