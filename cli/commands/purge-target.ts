import type { Command } from 'commander';
import type { CreatePurgeTargetBody, PurgeAttemptView, PurgeTargetView } from '../backend/types';
import { backendAction } from '../actions';
import { UsageError } from '../errors';
import { print } from '../options';

interface AddFlags {
  zone?: string;
  service?: string;
  token?: string;
  accessKey?: string;
  endpoint?: string;
  secret?: string;
  apiBase?: string;
}

/** The API body for a kind from its flags; a missing flag is a usage error (exit 2). */
function targetBody(kind: string, f: AddFlags): CreatePurgeTargetBody {
  const need = (value: string | undefined, flag: string) => {
    if (!value) throw new UsageError(`purge-target add ${kind} needs ${flag}`);
    return value;
  };
  const apiBase = f.apiBase ? { apiBase: f.apiBase } : {};
  switch (kind) {
    case 'cloudflare':
      return { kind, zoneId: need(f.zone, '--zone'), apiToken: need(f.token, '--token'), ...apiBase };
    case 'fastly':
      return { kind, serviceId: need(f.service, '--service'), apiToken: need(f.token, '--token'), ...apiBase };
    case 'bunny':
      return { kind, accessKey: need(f.accessKey ?? f.token, '--access-key'), ...apiBase };
    case 'http':
      return { kind, url: need(f.endpoint, '--endpoint'), ...(f.secret ? { secret: f.secret } : {}) };
    default:
      throw new UsageError(`kind must be cloudflare, fastly, bunny or http, got "${kind}"`);
  }
}

const describe = (t: PurgeTargetView) =>
  [t.id, t.kind, t.zoneId ?? t.serviceId ?? t.url ?? '', t.apiBase ?? '', t.secretHint ?? ''].join('\t').replace(/\t+$/, '');

const describeAttempt = (a: PurgeAttemptView) =>
  [a.at, a.event, a.purgeId, `#${a.attempt}`, a.ok ? 'ok' : 'failed', a.status ?? '-', `${a.latencyMs} ms`, a.error ?? ''].join('\t').replace(/\t+$/, '');

export function registerPurgeTarget(program: Command): void {
  const target = program.command('purge-target').description('CDN purge targets of a client: purged on image replace, delete, focal-point change and preset delete');

  target
    .command('add <kind>')
    .description('add a target: cloudflare (--zone, --token), fastly (--service, --token), bunny (--access-key), http (--endpoint, --secret)')
    .option('--zone <zoneId>', 'Cloudflare zone id')
    .option('--service <serviceId>', 'Fastly service id')
    .option('--token <token>', 'Cloudflare or Fastly API token')
    .option('--access-key <key>', 'bunny.net API access key')
    .option('--endpoint <url>', 'http: the URL called with the purge as JSON (--url is the server of remote mode)')
    .option('--secret <secret>', 'http: signs each call (Standard Webhooks headers)')
    .option('--api-base <url>', "the provider API origin (default: the provider's)")
    .addHelpText('after', '\nExamples:\n  imgapi purge-target add cloudflare --zone 023e… --token $CF_TOKEN\n  imgapi purge-target add fastly --service SU1Z… --token $FASTLY_TOKEN\n  imgapi purge-target add bunny --access-key $BUNNY_KEY\n  imgapi purge-target add http --endpoint https://example.com/purge --secret s3cret')
    .action(
      backendAction(async (backend, options, kind: string, flags: AddFlags) => {
        const made = await backend.createPurgeTarget(targetBody(kind, flags));
        print(options, made, describe(made));
      }),
    );

  target
    .command('list')
    .description('list targets (tokens masked to their last 4 characters)')
    .action(
      backendAction(async (backend, options) => {
        const items = await backend.listPurgeTargets();
        print(options, items, items.map(describe).join('\n'));
      }),
    );

  target
    .command('delete <id>')
    .description('remove a target')
    .action(
      backendAction(async (backend, options, id: string) => {
        await backend.deletePurgeTarget(id);
        print(options, { id, deleted: true }, `deleted ${id}`);
      }),
    );

  target
    .command('log <id>')
    .description('the last 100 purge attempts at a target, newest first')
    .action(
      backendAction(async (backend, options, id: string) => {
        const items = await backend.purgeTargetLog(id);
        print(options, items, items.map(describeAttempt).join('\n'));
      }),
    );
}
