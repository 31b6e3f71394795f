import { t } from 'elysia';
import { Role } from './users';

export const LoginBody = t.Object({ username: t.String({ maxLength: 64 }), password: t.String({ maxLength: 1024 }) });
export const LoggedIn = t.Object({ username: t.String() }, { title: 'LoggedIn' });
export const Me = t.Object(
  {
    username: t.Union([t.String(), t.Null()], { description: 'null when not logged in' }),
    role: t.Optional(Role),
    clientIds: t.Optional(t.Union([t.Array(t.String()), t.Null()], { description: 'The clients granted to a member or viewer; null: every client (owner, admin)' })),
  },
  { title: 'Me' },
);
