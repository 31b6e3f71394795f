import { t } from 'elysia';

export const LoginBody = t.Object({ username: t.String({ maxLength: 64 }), password: t.String({ maxLength: 1024 }) });
export const LoggedIn = t.Object({ username: t.String() }, { title: 'LoggedIn' });
export const Me = t.Object({ username: t.Union([t.String(), t.Null()], { description: 'null when not logged in' }) }, { title: 'Me' });
