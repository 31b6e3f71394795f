/** A one-time link's page: `#/invite/<token>` or `#/reset/<token>`, reachable without a session. */
export interface LinkPage {
  kind: 'invite' | 'reset';
  token: string;
}

export function readLinkPage(hash: string = location.hash): LinkPage | null {
  const match = /^#\/(invite|reset)\/([A-Za-z0-9_-]{1,200})$/.exec(hash);
  return match ? { kind: match[1] as LinkPage['kind'], token: match[2]! } : null;
}
