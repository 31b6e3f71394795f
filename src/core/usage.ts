/** What a client stores: the settings page's usage card (a later issue adds variants and traffic). */
export interface ClientUsage {
  /** Images in its library (not those in the trash). */
  images: number;
  /** Bytes of their originals, as uploaded. */
  originalBytes: number;
}

export interface UsageRepository {
  ofClient(clientId: string): Promise<ClientUsage>;
}
