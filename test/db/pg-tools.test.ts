import { expect, test } from 'bun:test';
import { withoutPassword } from '../../src/db/pg-tools';

test('the database password is taken out of the URL handed to pg_dump / pg_restore (it goes in PGPASSWORD) and out of what is printed', () => {
  expect(withoutPassword('postgres://imgapi:p%40ss%2Fw0rd@db.example.com:5432/imgapi?sslmode=require')).toEqual({
    url: 'postgres://imgapi@db.example.com:5432/imgapi?sslmode=require',
    password: 'p@ss/w0rd',
  });
  expect(withoutPassword('postgresql://imgapi@127.0.0.1/imgapi')).toEqual({ url: 'postgresql://imgapi@127.0.0.1/imgapi', password: null });
});
