import type { ChangeEventType } from '../outbox/change-events';

export interface WebhookEndpoint {
  id: string;
  clientId: string;
  url: string;
  events: ChangeEventType[];
  /** `whsec_` + base64: kept retrievable because every delivery is signed with it. */
  secret: string;
  enabled: boolean;
  /** Start of the current run of failed attempts; null after a success. */
  failingSince: string | null;
  /** When failures for the whole window disabled it; null while enabled. */
  disabledAt: string | null;
  createdAt: string;
}

export interface WebhookRepository {
  insert(endpoint: WebhookEndpoint): Promise<void>;
  list(clientId: string): Promise<WebhookEndpoint[]>;
  get(clientId: string, id: string): Promise<WebhookEndpoint | null>;
  delete(clientId: string, id: string): Promise<boolean>;
  /** Clears a failing run; enables it again (a test event that gets through after it was disabled). */
  recordSuccess(id: string): Promise<void>;
  /**
   * Notes a failed attempt at `now` (starting a failing run if none); disables the endpoint
   * when its run started at or before `disableIfFailingSince`. Returns the endpoint as stored.
   */
  recordFailure(id: string, now: string, disableIfFailingSince: string): Promise<WebhookEndpoint | null>;
}
