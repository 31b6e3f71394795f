#!/usr/bin/env bun
import { Command, CommanderError } from 'commander';
import sharp from 'sharp';
import pkg from '../package.json' with { type: 'json' };
import { ConfigError } from '../src/config';
import { AppError } from '../src/core/errors';
import { registerAudit } from './commands/audit';
import { registerBackup } from './commands/backup';
import { registerClient } from './commands/client';
import { registerDoctor } from './commands/doctor';
import { registerExport } from './commands/export';
import { registerFolder } from './commands/folder';
import { registerImage } from './commands/image';
import { registerInit } from './commands/init';
import { registerKey } from './commands/key';
import { registerLogin } from './commands/login';
import { registerMigrate } from './commands/migrate';
import { registerPreset } from './commands/preset';
import { registerPurgeTarget } from './commands/purge-target';
import { registerWebhook } from './commands/webhook';
import { registerServe } from './commands/serve';
import { registerSign } from './commands/sign';
import { registerSync } from './commands/sync';
import { registerTrash } from './commands/trash';
import { registerUpload } from './commands/upload';
import { registerUsage } from './commands/usage';
import { registerUser } from './commands/user';
import { registerWatch } from './commands/watch';
import { UsageError } from './errors';
import { addGlobalOptions } from './options';

const program = addGlobalOptions(
  new Command('imgapi')
    .description('Self-hosted image optimization and transformation service')
    .version(`imgapi ${pkg.version} (sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips})`, '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) }),
);

for (const register of [
  registerServe, registerInit, registerLogin, registerClient, registerKey, registerUser, registerUpload,
  registerSign, registerPreset, registerPurgeTarget, registerWebhook, registerFolder, registerImage, registerTrash, registerExport, registerSync, registerWatch, registerDoctor, registerMigrate, registerBackup, registerUsage, registerAudit,
]) {
  register(program);
}

/** Exit codes: 0 ok, 1 failure, 2 usage error (SPEC §8). */
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  const usage = error instanceof UsageError || error instanceof ConfigError;
  const message = error instanceof AppError || usage ? (error as Error).message : error instanceof Error ? error.message : String(error);
  process.stderr.write(`imgapi: ${message}\n`);
  process.exit(usage ? 2 : 1);
}
