#!/usr/bin/env bun
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../src/config';
import { AppError } from '../src/core/errors';
import { registerClient } from './commands/client';
import { registerKey } from './commands/key';
import { registerServe } from './commands/serve';
import { registerUser } from './commands/user';

const program = new Command('imgapi')
  .description('Self-hosted image optimization and transformation service')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

registerServe(program);
registerClient(program);
registerKey(program);
registerUser(program);

/** Exit codes: 0 ok, 1 failure, 2 usage error (SPEC §8). */
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  if (error instanceof ConfigError || (error instanceof AppError && error.code === 'invalid_input')) {
    process.stderr.write(`imgapi: ${error.message}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  process.stderr.write(`imgapi: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
