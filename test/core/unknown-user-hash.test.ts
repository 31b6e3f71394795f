import { afterAll, beforeAll, expect, spyOn, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createContext, type AppContext } from '../../src/context';
import { hashPassword, UNKNOWN_USER_HASH } from '../../src/core/users';

const cost = (hash: string) => /^\$argon2id\$v=\d+\$(m=\d+,t=\d+,p=\d+)\$/.exec(hash)?.[1];

let dataDir: string;
let ctx: AppContext;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'imgapi-unknown-user-'));
  ctx = await createContext(loadConfig({ IMGAPI_LOG: 'off' }, { data: dataDir, port: 0 }));
  await ctx.accounts.createUser('alice', 'correct horse battery');
});
afterAll(async () => {
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('an unknown user is checked against a hash of the same argon2 cost as a real password', async () => {
  expect(cost(UNKNOWN_USER_HASH)).toBeDefined();
  expect(cost(UNKNOWN_USER_HASH)).toBe(cost(await hashPassword('any password at all'))!);
  expect(await ctx.accounts.verifyUser('nobody', 'imgapi-no-such-user')).toBe(false);
  expect(await ctx.accounts.verifyUser('nobody', 'correct horse battery')).toBe(false);
});

test("a log-in makes no argon2 hash, only the one verify (the first log-in of a process too)", async () => {
  const hash = spyOn(Bun.password, 'hash');
  const verify = spyOn(Bun.password, 'verify');
  try {
    const fresh = await createContext(loadConfig({ IMGAPI_LOG: 'off' }, { data: dataDir, port: 0 }));
    try {
      expect(await fresh.accounts.verifyUser('alice', 'correct horse battery')).toBe(true);
      expect(await fresh.accounts.verifyUser('alice', 'wrong horse battery')).toBe(false);
      expect(await fresh.accounts.verifyUser('nobody', 'correct horse battery')).toBe(false);
    } finally {
      await fresh.close();
    }
    expect(hash).not.toHaveBeenCalled();
    expect(verify).toHaveBeenCalledTimes(3);
  } finally {
    hash.mockRestore();
    verify.mockRestore();
  }
});
