import { useEffect, useMemo, useState } from 'preact/hooks';
import type { UsageView } from '../api/usage';
import { BarChart } from './bar-chart';
import { call, formatBytes, messageOf, v1 } from './api';

const PERIODS = [7, 30, 90, 365] as const;
const DAY_MS = 86_400_000;
const count = (n: number) => n.toLocaleString('en-US');

/** The period's first and last day (UTC, as the server counts), ending today. */
function rangeOf(days: number): { from: string; to: string } {
  const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  return { from: new Date(today - (days - 1) * DAY_MS).toISOString().slice(0, 10), to: new Date(today).toISOString().slice(0, 10) };
}

/** The day with the most of `value`, for the charts' spoken summary. */
function peak(days: UsageView['days'], value: (day: UsageView['days'][number]) => number): string {
  const top = days.reduce((best, day) => (value(day) > value(best) ? day : best), days[0]!);
  return value(top) > 0 ? `, most on ${top.date}` : '';
}

/**
 * The client's usage: what it stores, and per UTC day its deliveries (hits and misses), bytes
 * served, transforms and uploads (`GET /api/v1/usage`). Charts for the eye, the same numbers in
 * the table below for everyone.
 */
export function UsagePage() {
  const [period, setPeriod] = useState<(typeof PERIODS)[number]>(30);
  const [usage, setUsage] = useState<UsageView | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    setError('');
    call(v1.usage.get({ query: rangeOf(period) })).then(setUsage, (e) => setError(messageOf(e)));
  }, [period]);

  const days = usage?.days ?? [];
  const dates = useMemo(() => days.map((d) => d.date), [usage]);
  const deliveries = useMemo(
    () => [
      // Misses on top of hits: a bar's whole height is the day's deliveries.
      { label: 'Misses (transformed)', values: days.map((d) => d.hits + d.misses), colour: '--warn' },
      { label: 'Hits (from a cache)', values: days.map((d) => d.hits), colour: '--accent' },
    ],
    [usage],
  );
  const served = useMemo(() => [{ label: 'Bytes served', values: days.map((d) => d.bytesServed), colour: '--accent' }], [usage]);
  const hits = days.reduce((sum, d) => sum + d.hits, 0);
  const transforms = days.reduce((sum, d) => sum + d.transforms, 0);
  const uploads = days.reduce((sum, d) => sum + d.uploads, 0);
  const first = dates[0];
  const last = dates[dates.length - 1];

  return (
    <div class="usage-page">
      <section class="card" aria-labelledby="usage-stored-heading">
        <h2 id="usage-stored-heading">Stored now</h2>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : !usage ? (
          <p class="muted">Loading…</p>
        ) : (
          <dl class="usage" data-testid="usage-stored">
            <div>
              <dt>Images</dt>
              <dd data-testid="usage-images">{count(usage.images)}</dd>
            </div>
            <div>
              <dt>Originals</dt>
              <dd data-testid="usage-originals">{formatBytes(usage.originalsBytes)}</dd>
            </div>
            <div>
              <dt>Variants</dt>
              <dd data-testid="usage-variants">{formatBytes(usage.variantBytes)}</dd>
            </div>
          </dl>
        )}
      </section>

      <section class="card" aria-labelledby="usage-traffic-heading">
        <div class="row usage-traffic-head">
          <h2 id="usage-traffic-heading">Traffic</h2>
          <label class="row">
            <span>Period</span>
            <select data-testid="usage-period" value={period} onChange={(e) => setPeriod(Number(e.currentTarget.value) as (typeof PERIODS)[number])}>
              {PERIODS.map((n) => (
                <option value={n}>Last {n} days</option>
              ))}
            </select>
          </label>
        </div>
        {usage && (
          <>
            <p class="muted field-help">
              {first} to {last}, UTC days. Counted by each server in memory and written every few seconds.
            </p>
            <dl class="usage" data-testid="usage-totals">
              <div>
                <dt>Deliveries</dt>
                <dd data-testid="usage-deliveries">{count(usage.deliveries)}</dd>
              </div>
              <div>
                <dt>Served</dt>
                <dd data-testid="usage-served">{formatBytes(usage.bytesServed)}</dd>
              </div>
              <div>
                <dt>Hit rate</dt>
                <dd data-testid="usage-hit-rate">{usage.deliveries > 0 ? `${Math.round((hits / usage.deliveries) * 100)}%` : '—'}</dd>
              </div>
              <div>
                <dt>Transforms</dt>
                <dd data-testid="usage-transforms">{count(transforms)}</dd>
              </div>
              <div>
                <dt>Uploads</dt>
                <dd data-testid="usage-uploads">{count(uploads)}</dd>
              </div>
            </dl>
            <div class="usage-charts">
              <figure>
                <figcaption>Deliveries per day</figcaption>
                <BarChart
                  testId="usage-chart-deliveries"
                  dates={dates}
                  series={deliveries}
                  format={count}
                  summary={`Deliveries per day from ${first} to ${last}: ${count(usage.deliveries)} in all, ${count(hits)} from a cache${peak(days, (d) => d.deliveries)}. Every number is in the table below.`}
                />
              </figure>
              <figure>
                <figcaption>Bytes served per day</figcaption>
                <BarChart
                  testId="usage-chart-bytes"
                  dates={dates}
                  series={served}
                  format={formatBytes}
                  summary={`Bytes served per day from ${first} to ${last}: ${formatBytes(usage.bytesServed)} in all${peak(days, (d) => d.bytesServed)}. Every number is in the table below.`}
                />
              </figure>
            </div>
          </>
        )}
      </section>

      {usage && (
        <section class="card" aria-labelledby="usage-days-heading">
          <h2 id="usage-days-heading">Per day</h2>
          <div class="table-scroll" role="region" aria-label="Usage per day (scrolls)" tabindex={0}>
            <table class="usage-days" data-testid="usage-days">
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Deliveries</th>
                  <th scope="col">Served</th>
                  <th scope="col">Hits</th>
                  <th scope="col">Misses</th>
                  <th scope="col">Transforms</th>
                  <th scope="col">Uploads</th>
                </tr>
              </thead>
              <tbody>
                {/* Newest first: today is what people look for. */}
                {[...days].reverse().map((d) => (
                  <tr data-testid="usage-day">
                    <th scope="row">{d.date}</th>
                    <td>{count(d.deliveries)}</td>
                    <td>{formatBytes(d.bytesServed)}</td>
                    <td>{count(d.hits)}</td>
                    <td>{count(d.misses)}</td>
                    <td>{count(d.transforms)}</td>
                    <td>{count(d.uploads)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}
