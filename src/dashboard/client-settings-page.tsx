import { useEffect, useRef, useState } from 'preact/hooks';
import { call, copyText, messageOf, v1 } from './api';
import { ClientCard, type ClientCardProps } from './client-card';
import { confirmDialog } from './confirm-dialog';
import { PurgeTargetsSection } from './purge-targets-section';
import { SecretBox } from './secret-box';
import { UsageCard } from './usage-card';
import { QuotaCard } from './quota-card';
import { WebhooksSection } from './webhooks-page';
import { managesClients, useMe } from './me';

/** The grace choices: how long URLs signed with the current secret keep working after a rotation. */
const GRACES: [number, string][] = [
  [0, 'None: old URLs stop at once'],
  [3600, '1 hour'],
  [86_400, '1 day'],
  [7 * 86_400, '7 days'],
  [30 * 86_400, '30 days'],
];

const graceText = (seconds: number) => (seconds === 0 ? 'at once' : `in ${GRACES.find(([s]) => s === seconds)![1]}`);
const when = (iso: string) => new Date(iso).toLocaleString();
const HIDDEN = '••••••••••••••••••••••••••••••••';

/**
 * Everything about the selected client in one place: its name, its usage, its URL-signing secret
 * (hidden until asked for, copied, rotated with a grace period), its webhooks with their delivery
 * logs and its CDN purge targets. `#/webhooks` opens it at the webhooks.
 */
export function ClientSettingsPage({ client, ...card }: Omit<ClientCardProps, 'client'> & { client: ClientCardProps['client'] | undefined }) {
  const me = useMe();
  const [secret, setSecret] = useState<string | null>(null);
  const [previousValidUntil, setPreviousValidUntil] = useState<string | null>(null);
  const [revealed, setRevealed] = useState(false);
  const [copied, setCopied] = useState(false);
  const [grace, setGrace] = useState(7 * 86_400);
  const [rotated, setRotated] = useState<{ secret: string; previousValidUntil: string; grace: number } | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (location.hash.startsWith('#/webhooks')) document.getElementById('webhooks')?.scrollIntoView({ block: 'start' });
  }, []);

  /** Fetched only when the user reveals or copies it: the page never holds it otherwise. */
  async function load(): Promise<string> {
    if (secret !== null) return secret;
    const current = await call(v1['signing-secret'].get());
    setSecret(current.secret);
    setPreviousValidUntil(current.previousValidUntil);
    return current.secret;
  }

  const attempt = (run: () => Promise<void>) => async () => {
    setError('');
    try {
      await run();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const toggle = attempt(async () => {
    if (!revealed) await load();
    setRevealed(!revealed);
  });

  const copy = attempt(async () => {
    const value = await load();
    await copyText(value, revealed ? input.current : null);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  });

  const rotate = async (event: Event) => {
    event.preventDefault();
    const message = `Rotate the signing secret? URLs signed with the current secret stop working ${graceText(grace)}; /sign and new URLs use the new secret at once.`;
    if (!(await confirmDialog({ title: 'Rotate signing secret?', message, confirmLabel: 'Rotate', danger: true }))) return;
    setBusy(true);
    await attempt(async () => {
      const answer = await call(v1['signing-secret'].rotate.post({ graceSeconds: grace }));
      setRotated({ ...answer, grace });
      // The revealed value was the old secret: hide it, and fetch again when asked.
      setSecret(null);
      setRevealed(false);
      setPreviousValidUntil(grace > 0 ? answer.previousValidUntil : null);
    })();
    setBusy(false);
  };

  return (
    <div class="page settings-page">
      {client && managesClients(me) && <ClientCard key={`${client.id}:${client.name}`} client={client} {...card} />}
      <UsageCard />
      {client && <QuotaCard clientId={client.id} />}
      {/* Viewers only read images and copy their URLs: the secret, webhooks and purge targets are not theirs. */}
      {me.role !== 'viewer' && (
      <>
      <section class="card" aria-labelledby="signing-heading">
        <h2 id="signing-heading">Client settings</h2>
        <h3>URL-signing secret</h3>
        <p>
          Signed delivery URLs carry an HMAC made with this secret. Your own backend needs it to sign URLs (or use <code>POST /api/v1/sign</code>); keep it
          out of browsers.
        </p>
        <div class="row">
          <input
            ref={input}
            readOnly
            value={revealed && secret !== null ? secret : HIDDEN}
            aria-label="Signing secret"
            data-testid="signing-secret"
            class="secret-value"
            onFocus={(e) => {
              if (revealed) e.currentTarget.select();
            }}
          />
          <button type="button" onClick={toggle} aria-pressed={revealed} data-testid="signing-secret-reveal">
            {revealed ? 'Hide' : 'Reveal'}
          </button>
          <button type="button" onClick={copy} data-testid="signing-secret-copy">
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
        {previousValidUntil && (
          <p class="muted" data-testid="previous-valid-until">
            The previous secret still verifies until {when(previousValidUntil)}.
          </p>
        )}
        <h3>Rotate the secret</h3>
        <p>
          A new secret is made at once. URLs signed with the current secret keep working for the grace period, then answer 403;{' '}
          <code>imgapi_signature_previous_secret_total</code> in <code>/metrics</code> shows whether anything still uses them.
        </p>
        <form class="row rotate-form" onSubmit={rotate}>
          <label class="row">
            <span>Grace period</span>
            <select value={grace} data-testid="rotate-grace" onChange={(e) => setGrace(Number(e.currentTarget.value))}>
              {GRACES.map(([seconds, label]) => (
                <option value={seconds}>{label}</option>
              ))}
            </select>
          </label>
          <button class="danger" disabled={busy} data-testid="rotate-secret">
            Rotate secret
          </button>
        </form>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {rotated && (
          <SecretBox
            label="Your new signing secret"
            secret={rotated.secret}
            testId="rotated-secret"
            note={
              rotated.grace > 0
                ? `Copy it now: it is shown here once. The previous secret verifies until ${when(rotated.previousValidUntil)}.`
                : 'Copy it now: it is shown here once. The previous secret no longer verifies.'
            }
          />
        )}
      </section>
      <WebhooksSection />
      <PurgeTargetsSection />
      </>
      )}
    </div>
  );
}
