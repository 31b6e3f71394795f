import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Role } from '../core/roles';

/** Who is logged in, as /auth/me answers: what the dashboard shows follows the role (the server enforces it). */
export interface Me {
  username: string;
  role: Role;
  /** The clients granted to a member or viewer; null: every client. */
  clientIds: string[] | null;
}

export const MeContext = createContext<Me>({ username: '', role: 'viewer', clientIds: [] });
export const useMe = () => useContext(MeContext);

/** Viewers read and copy URLs only: no upload, replace, delete or edit controls. */
export const useCanChange = () => useMe().role !== 'viewer';
export const managesUsers = (me: Me) => me.role === 'owner';
export const managesClients = (me: Me) => me.role === 'owner' || me.role === 'admin';
