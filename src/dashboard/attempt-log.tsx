import type { DeliveryView } from '../api/webhooks';

/** One call the server made for a webhook or a purge, as the deliveries endpoints answer it. */
export type Attempt = Omit<DeliveryView, 'webhookId'>;

const when = (iso: string) => new Date(iso).toLocaleString();

/**
 * The last attempts of one target, newest first, in a region that scrolls sideways on a phone
 * rather than widening the page. `okWithoutStatus` names a success that made no call.
 */
export function AttemptLog(props: { items: Attempt[]; label: string; what: string; testId: string; okWithoutStatus?: string }) {
  const result = (a: Attempt) => (a.ok ? (a.status === null && props.okWithoutStatus ? `✓ ${props.okWithoutStatus}` : `✓ ${a.status}`) : `✗ ${a.status ?? 'no answer'}`);
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={props.label}>
      <table data-testid={props.testId}>
        <caption class="muted">Last {props.items.length} attempts, newest first</caption>
        <thead>
          <tr>
            <th>When</th>
            <th>{props.what}</th>
            <th>Try</th>
            <th>Result</th>
            <th>Latency</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((a) => (
            <tr>
              <td>{when(a.at)}</td>
              <td>
                <code>{a.event}</code>
              </td>
              <td>{a.attempt}</td>
              <td class={a.ok ? 'ok' : 'bad'}>{result(a)}</td>
              <td>{a.latencyMs} ms</td>
              <td>{a.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
