import type { Command } from 'commander';
import { CHANGE_EVENT_TYPES } from '../../src/core/outbox/change-events';
import type { DeliveryView, WebhookView } from '../backend/types';
import { backendAction } from '../actions';
import { UsageError } from '../errors';
import { print } from '../options';

const state = (w: WebhookView) => (w.enabled ? (w.failingSince ? `failing since ${w.failingSince}` : 'enabled') : `disabled ${w.disabledAt ?? ''}`.trim());
const describe = (w: WebhookView) => [w.id, w.url, w.events.join(','), state(w)].join('\t');
const describeDelivery = (d: DeliveryView) =>
  [d.at, d.event, d.webhookId, `#${d.attempt}`, d.ok ? 'ok' : 'failed', d.status ?? '-', `${d.latencyMs} ms`, d.error ?? ''].join('\t').replace(/\t+$/, '');

function events(raw: string | undefined): string[] {
  if (!raw) throw new UsageError(`webhook create needs --events (any of ${CHANGE_EVENT_TYPES.join(',')})`);
  return raw.split(',').map((e) => e.trim()).filter(Boolean);
}

export function registerWebhook(program: Command): void {
  const webhook = program.command('webhook').description('webhook endpoints of a client: changes POSTed as signed JSON (Standard Webhooks)');

  webhook
    .command('create <url>')
    .description('register an endpoint (never contacted now); prints its secret once')
    .option('--events <list>', `comma-separated: ${CHANGE_EVENT_TYPES.join(',')}`)
    .addHelpText('after', '\nExample:\n  imgapi webhook create https://example.com/hooks/imgapi --events image.created,image.deleted')
    .action(
      backendAction(async (backend, options, url: string, flags: { events?: string }) => {
        const made = await backend.createWebhook({ url, events: events(flags.events) });
        print(options, made, `${describe(made)}\nsecret: ${made.secret}  (shown once: verify webhook-signature with it)`);
      }),
    );

  webhook
    .command('list')
    .description('list endpoints with their state (a run of failures for 24 h disables one)')
    .action(
      backendAction(async (backend, options) => {
        const items = await backend.listWebhooks();
        print(options, items, items.map(describe).join('\n'));
      }),
    );

  webhook
    .command('delete <id>')
    .description('remove an endpoint')
    .action(
      backendAction(async (backend, options, id: string) => {
        await backend.deleteWebhook(id);
        print(options, { id, deleted: true }, `deleted ${id}`);
      }),
    );

  webhook
    .command('deliveries <id>')
    .description('the last 100 delivery attempts, newest first')
    .action(
      backendAction(async (backend, options, id: string) => {
        const items = await backend.webhookDeliveries(id);
        print(options, items, items.map(describeDelivery).join('\n'));
      }),
    );

  webhook
    .command('test <id>')
    .description('queue a webhook.test event for the endpoint')
    .action(
      backendAction(async (backend, options, id: string) => {
        const queued = await backend.testWebhook(id);
        const note = backend.mode === 'local' ? ' (a server on this data directory sends it)' : '';
        print(options, queued, `queued ${queued.id}${note}`);
      }),
    );
}
