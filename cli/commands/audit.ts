import type { Command } from 'commander';
import { AUDIT_SUBJECTS } from '../../src/core/audit/actions';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../src/core/paging';
import { withBackend } from '../backend/open';
import type { AuditPage, AuditQuery } from '../backend/types';
import { durationSeconds, globals, print, say } from '../options';

type Entry = AuditPage['items'][number];

/** `7d`, `12h`, `30m` back from now; anything else goes to the API as a date or date-time, which checks it. */
export function sinceBound(text: string | undefined, now = Date.now()): string | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,10}[smhd]$/.test(text.trim())) return text;
  return new Date(now - durationSeconds(text, '--since') * 1000).toISOString();
}

const actorText = (a: Entry['actor']) => (a.kind === 'local' || a.kind === 'system' ? a.kind : `${a.kind}:${a.name}`);
const targetText = (t: Entry['target']) => t.name ?? t.id ?? '-';

/** One line per entry, tab-separated: time, actor, client, action, target, address. */
export const auditLine = (e: Entry) => [e.time, actorText(e.actor), e.clientId ?? '-', e.action, targetText(e.target), e.address ?? '-'].join('\t');

/** `imgapi audit`: who changed what (`GET /api/v1/audit`), newest first. */
export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description("who changed what, newest first: local mode every client's entries, remote mode the API key's client's (kept IMGAPI_AUDIT_DAYS, default 90)")
    .option('--action <action>', `an action (image.upload, preset.update, key.create…) or a subject: ${AUDIT_SUBJECTS.join(', ')}`)
    .option('--actor <actor>', "an actor's id or name, or a kind: user, key, local, system")
    .option('--since <when>', 'from: 7d, 12h, 30m back, or a date (2026-03-01) or date-time with a zone')
    .option('--from <when>', 'the same as --since')
    .option('--to <when>', 'until: a date (its whole day) or a date-time with a zone')
    .option('--page <n>', 'page number', '1')
    .option('--page-size <n>', `entries per page (max ${MAX_PAGE_SIZE})`, String(DEFAULT_PAGE_SIZE))
    .addHelpText(
      'after',
      '\n--client filters by client (remote mode: only the key\'s own; another is not found).\n\nExamples:\n  imgapi audit --since 7d\n  imgapi audit --client acme --action image --json\n  imgapi audit --actor alice --page 2',
    )
    .action(async (opts: { action?: string; actor?: string; since?: string; from?: string; to?: string; page: string; pageSize: string }, command: Command) => {
      const options = globals(command);
      const query: AuditQuery = {
        clientId: options.client,
        action: opts.action,
        actor: opts.actor,
        from: sinceBound(opts.since ?? opts.from),
        to: opts.to,
        page: opts.page,
        pageSize: opts.pageSize,
      };
      const page = await withBackend(options, (backend) => backend.listAudit(query), { acrossClients: true });
      print(options, page, page.items.map(auditLine).join('\n'));
      const pages = Math.ceil(page.total / page.pageSize);
      if (!options.json && page.page < pages) say(`page ${page.page} of ${pages} (${page.total} entries): --page ${page.page + 1} for more`);
    });
}
