'use client';
/**
 * The offline recovery tool (docs/recovery.md): key card → password → addresses → coins → signed
 * sweep. Everything runs in this browser with lib/recovery; the page calls no Keystead API. The
 * only network use is the optional explorer lookup, to a URL the person types.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { CopyButton } from '@/components/ui/CopyButton';
import { Field } from '@/components/ui/Field';
import type { SweepResult, UnlockedKeys, WalletUtxo } from '@/lib/recovery';
import { CardLoader, TextArea, type LoadedCard } from './CardLoader';
import { downloadText, loadRecovery } from './download';
import { RecoveryErrorView } from './RecoveryErrorView';

const NETWORK_NAMES = { mainnet: 'Bitcoin mainnet', testnet: 'Testnet', regtest: 'Regtest' } as const;

export function formatBtc(sats: bigint): string {
  const whole = sats / 100_000_000n;
  const frac = (sats % 100_000_000n).toString().padStart(8, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''} BTC`;
}

function Step({ n, title, children, id }: { n: number; title: string; children: React.ReactNode; id: string }) {
  return (
    <section className="card recover-step" aria-labelledby={id}>
      <h2 id={id}>
        <span className="recover-step-n" aria-hidden="true">
          {n}
        </span>
        {title}
      </h2>
      {children}
    </section>
  );
}

export function RecoverTool() {
  const [loaded, setLoaded] = useState<LoadedCard | null>(null);
  const keys = useRef<UnlockedKeys | null>(null);
  const [unlocked, setUnlocked] = useState(false);
  const [coins, setCoins] = useState<WalletUtxo[] | null>(null);
  // Fetch the recovery code right after the page shows (not in its first load), so it keeps
  // working if the network is cut off once the page is open.
  const [ready, setReady] = useState<'loading' | 'ready' | 'failed'>('loading');
  useEffect(() => {
    let live = true;
    loadRecovery()
      .then(() => import('@/lib/crypto/descriptor'))
      .then(() => import('@/lib/crypto/password-shares'))
      .then(
        () => live && setReady('ready'),
        () => live && setReady('failed'),
      );
    return () => {
      live = false;
    };
  }, []);

  function reset() {
    keys.current = null;
    setUnlocked(false);
    setCoins(null);
    setLoaded(null);
  }

  return (
    <div className="recover">
      <p role="status" className={`small recover-ready${ready === 'failed' ? ' text-bad' : ' muted'}`} data-testid="recover-ready" data-state={ready}>
        {ready === 'loading' && 'Loading the recovery code…'}
        {ready === 'ready' && 'Ready: everything this page needs is loaded. You can disconnect this computer from the network now.'}
        {ready === 'failed' && 'The recovery code could not be loaded. Reconnect and reload this page, then disconnect once it says it is ready.'}
      </p>
      <Step n={1} title="Load the key card" id="recover-step-card">
        {loaded ? <CardSummary loaded={loaded} onReset={reset} /> : <CardLoader onLoaded={setLoaded} />}
      </Step>
      {loaded && (
        <>
          <Step n={2} title="Compare the addresses" id="recover-step-addresses">
            <Addresses loaded={loaded} />
          </Step>
          <Step n={3} title="Open Box 1 and Box 2 with the wallet password" id="recover-step-password">
            <Unlock
              loaded={loaded}
              unlocked={unlocked}
              onUnlocked={(k) => {
                keys.current = k;
                setUnlocked(k !== null);
              }}
            />
          </Step>
          <Step n={4} title="The wallet’s coins" id="recover-step-coins">
            <Coins loaded={loaded} onCoins={setCoins} />
          </Step>
          <Step n={5} title="Build and sign the sweep" id="recover-step-sweep">
            {unlocked && coins ? (
              <Sweep loaded={loaded} keys={keys.current!} coins={coins} />
            ) : (
              <p className="muted">
                {!unlocked && !coins
                  ? 'Open the boxes (step 3) and check the coins (step 4) first.'
                  : !unlocked
                    ? 'Open the boxes with the password (step 3) first.'
                    : 'Check the coins (step 4) first.'}
              </p>
            )}
          </Step>
        </>
      )}
    </div>
  );
}

function CardSummary({ loaded, onReset }: { loaded: LoadedCard; onReset: () => void }) {
  const { card } = loaded;
  return (
    <div className="stack">
      <Alert tone="success" title="Key card read and checked">
        The descriptor checksum was recomputed and its three keys are the card’s keys.
      </Alert>
      <dl className="facts" data-testid="recover-card">
        <dt>Wallet</dt>
        <dd data-testid="recover-wallet-name">{card.wallet.name}</dd>
        <dt>Organisation</dt>
        <dd>{card.wallet.orgName}</dd>
        <dt>Network</dt>
        <dd data-testid="recover-network">{NETWORK_NAMES[card.wallet.network]}</dd>
        <dt>Key #1 (user)</dt>
        <dd className="mono">{card.keys.user.fingerprint}</dd>
        <dt>Key #2 (backup)</dt>
        <dd className="mono">{card.keys.backup.fingerprint}</dd>
        <dt>Key #3 (co-signer)</dt>
        <dd className="mono">{card.keys.cosigner.fingerprint}</dd>
        <dt>First address</dt>
        <dd className="mono break">{card.firstAddress.address}</dd>
        <dt>Descriptor</dt>
        <dd>
          <span className="copy-inline">
            <code className="mono break small" data-testid="recover-descriptor">
              {card.wallet.descriptor}
            </code>
            <CopyButton value={card.wallet.descriptor} label="Copy descriptor" />
          </span>
        </dd>
      </dl>
      <p className="small muted">Compare the checksum after “#” and the first address with what is printed on the paper card.</p>
      <div className="form-actions">
        <Button variant="secondary" onClick={onReset}>
          Use another key card
        </Button>
      </div>
    </div>
  );
}

function Addresses({ loaded }: { loaded: LoadedCard }) {
  const [count, setCount] = useState(5);
  const [branch, setBranch] = useState<0 | 1>(0);
  const list = loaded.lib.cardAddresses(loaded.card, branch, 0, count);
  const branchId = useId();
  return (
    <div className="stack">
      <p className="muted">
        These addresses are derived in this browser from the card’s public keys. Receive address 0 must equal the card’s first address; addresses you know
        the wallet used should appear here.
      </p>
      <div className="field recover-narrow">
        <label htmlFor={branchId}>Branch</label>
        <select id={branchId} value={branch} onChange={(e) => setBranch(Number(e.target.value) as 0 | 1)}>
          <option value={0}>Receive addresses (0/…)</option>
          <option value={1}>Change addresses (1/…)</option>
        </select>
      </div>
      <ol className="list recover-addresses" aria-label={branch === 0 ? 'Receive addresses' : 'Change addresses'}>
        {list.map((a) => (
          <li key={a.address} className="list-row">
            <span className="recover-address">
              <span className="muted small mono">
                {branch}/{a.index}
              </span>{' '}
              <code className="mono break" data-testid="recover-address">
                {a.address}
              </code>
            </span>
            <CopyButton value={a.address} />
          </li>
        ))}
      </ol>
      <div>
        <Button variant="secondary" onClick={() => setCount((c) => c + 10)}>
          Show 10 more
        </Button>
      </div>
    </div>
  );
}

function Unlock({ loaded, unlocked, onUnlocked }: { loaded: LoadedCard; unlocked: boolean; onUnlocked: (keys: UnlockedKeys | null) => void }) {
  const [password, setPassword] = useState('');
  const [box, setBox] = useState<1 | 2 | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sharesText, setSharesText] = useState('');
  const [sharesNote, setSharesNote] = useState<{ ok: boolean; text: string } | null>(null);

  /** "No vendor secret": k officers' share cards rebuild the password, here, offline. */
  async function rebuildFromShares() {
    setSharesNote(null);
    try {
      const { combineShares } = await import('@/lib/crypto/password-shares');
      const lines = sharesText.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
      setPassword(await combineShares(lines, { walletId: loaded.card.wallet.id }));
      setSharesText('');
      setSharesNote({ ok: true, text: `Password rebuilt from ${lines.length} share cards. Now decrypt Box 1 and Box 2.` });
    } catch (err) {
      setSharesNote({ ok: false, text: (err as Error).message });
    }
  }

  async function unlock(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const keys = await loaded.lib.unlockKeycard(loaded.card, password, { onBox: (b) => setBox(b) });
      setPassword('');
      onUnlocked(keys);
    } catch (err) {
      setError(err);
    } finally {
      setBox(null);
    }
  }

  if (unlocked) {
    return (
      <div className="stack">
        <Alert tone="success" title="Box 1 and Box 2 are open">
          Both decrypted keys are the card’s Key #1 and Key #2. They stay in this page’s memory only.
        </Alert>
        <div>
          <Button variant="secondary" onClick={() => onUnlocked(null)}>
            Forget the keys
          </Button>
        </div>
      </div>
    );
  }
  return (
    <form className="stack" onSubmit={unlock}>
      <Field
        label="Wallet password"
        type="password"
        autoComplete="off"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        hint="The password set when the wallet was created. It is case-sensitive and never leaves this page."
        required
      />
      <details>
        <summary>Password lost? Rebuild it from officers’ share cards</summary>
        <div className="stack">
          <div className="field">
            <label htmlFor="recover-shares">Share texts (one per line, as printed or scanned from the share cards)</label>
            <textarea id="recover-shares" className="mono small" rows={4} spellCheck={false} value={sharesText} onChange={(e) => setSharesText(e.target.value)} />
          </div>
          {sharesNote && <Alert tone={sharesNote.ok ? 'success' : 'error'}>{sharesNote.text}</Alert>}
          <div>
            <Button type="button" variant="secondary" disabled={!sharesText.trim()} onClick={() => void rebuildFromShares()}>
              Rebuild the password
            </Button>
          </div>
        </div>
      </details>
      {box && (
        <p role="status" className="muted" data-testid="unlock-progress">
          <span className="spinner" aria-hidden="true" /> Decrypting Box {box} (Key #{box})… about a second per box.
        </p>
      )}
      <RecoveryErrorView error={error} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={box !== null || password.length === 0} aria-busy={box !== null || undefined}>
          {box ? `Decrypting Box ${box}…` : 'Decrypt Box 1 and Box 2'}
        </button>
      </div>
    </form>
  );
}

function Coins({ loaded, onCoins }: { loaded: LoadedCard; onCoins: (coins: WalletUtxo[] | null) => void }) {
  const [text, setText] = useState('');
  const [gap, setGap] = useState('20');
  const [error, setError] = useState<unknown>(null);
  const [found, setFound] = useState<WalletUtxo[] | null>(null);
  const [explorer, setExplorer] = useState('');
  const [fetching, setFetching] = useState<string | null>(null);
  const { lib, card, branches } = loaded;
  const gapNumber = Number(gap);
  const gapValid = Number.isSafeInteger(gapNumber) && gapNumber >= 1 && gapNumber <= 10_000;
  const scanCommand = `bitcoin-cli scantxoutset start '[{"desc":"${branches.receive}","range":1000},{"desc":"${branches.change}","range":1000}]'`;

  function check() {
    setError(null);
    setFound(null);
    onCoins(null);
    try {
      const coins = lib.mapUtxos(card, lib.parseUtxos(text), { gap: gapNumber });
      setFound(coins);
      onCoins(coins);
    } catch (e) {
      setError(e);
    }
  }

  async function fetchFromExplorer() {
    setError(null);
    const base = explorer.trim().replace(/\/+$/, '');
    try {
      const url = new URL(base);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('bad protocol');
    } catch {
      setError(new Error('The explorer URL must start with https:// (for example https://mempool.space/api).'));
      return;
    }
    const result: Record<string, unknown[]> = {};
    try {
      await lib.scanAddressesAsync(
        card,
        async (a) => {
          setFetching(`${a.branch}/${a.index}`);
          const info = await fetchJson(`${base}/address/${a.address}`);
          const stats = info as { chain_stats?: { tx_count?: number }; mempool_stats?: { tx_count?: number } };
          const used = (stats.chain_stats?.tx_count ?? 0) + (stats.mempool_stats?.tx_count ?? 0) > 0;
          if (used) {
            const utxos = await fetchJson(`${base}/address/${a.address}/utxo`);
            if (Array.isArray(utxos) && utxos.length > 0) result[a.address] = utxos;
          }
          return used;
        },
        { gap: gapValid ? gapNumber : 20 },
      );
      setText(JSON.stringify(result, null, 2));
    } catch (e) {
      setError(e instanceof Error ? new Error(`The explorer did not answer as expected: ${e.message}. Check the URL, or paste the coins by hand.`) : e);
    } finally {
      setFetching(null);
    }
  }

  const total = found?.reduce((s, c) => s + c.valueSats, 0n) ?? 0n;
  return (
    <div className="stack">
      <p className="muted">
        This page never goes online by itself. Give it the wallet’s unspent outputs as JSON, from any of these:
      </p>
      <ul className="steps small">
        <li>
          <strong>Your own Bitcoin Core node</strong>, without importing any key — scan the UTXO set with the wallet’s public descriptors and paste the answer:
          <span className="copy-row recover-command">
            <code className="mono break small" data-testid="scan-command">
              {scanCommand}
            </code>
            <CopyButton value={scanCommand} label="Copy command" />
          </span>
          (or <code>bitcoin-cli listunspent</code> in a watch-only wallet that imported these descriptors).
        </li>
        <li>
          <strong>An explorer</strong> (Esplora API, e.g. mempool.space): <code>GET /api/address/&lt;address&gt;/utxo</code> for each address of step 2; wrap the
          answers as <code>{'{"<address>": [ … ], …}'}</code>. Asking an explorer tells it which addresses are yours.
        </li>
        <li>
          <strong>By hand</strong>: <code>{'[{"txid": "…", "vout": 0, "value": 150000, "address": "…"}]'}</code> (value in sats, or amount in BTC).
        </li>
      </ul>
      <TextArea label="Unspent coins (JSON)" value={text} onChange={setText} rows={8} />
      <Field
        label="Gap limit"
        type="number"
        inputMode="numeric"
        min={1}
        max={10000}
        value={gap}
        onChange={(e) => setGap(e.target.value)}
        hint="Each branch is scanned until this many unused addresses in a row. Widen it if a coin is not found."
        errors={gapValid ? undefined : ['Enter a whole number from 1 to 10,000.']}
        className="recover-narrow-input"
      />
      <details className="recover-online">
        <summary>Optional: fetch the coins from an explorer you choose (goes online)</summary>
        <div className="stack">
          <p className="small muted">
            Asks the Esplora API at the URL you type — and nothing else — for each address of this wallet, until the gap limit. That server learns the
            wallet’s addresses. Skip this on an offline computer.
          </p>
          <Field label="Esplora API base URL" type="url" placeholder="https://mempool.space/api" value={explorer} onChange={(e) => setExplorer(e.target.value)} />
          <div>
            <Button variant="secondary" onClick={fetchFromExplorer} busy={fetching !== null} busyLabel={`Asking for ${fetching ?? ''}…`} disabled={!explorer.trim()}>
              Fetch coins from this explorer
            </Button>
          </div>
        </div>
      </details>
      <RecoveryErrorView error={error} />
      <div className="form-actions">
        <Button onClick={check} disabled={!text.trim() || !gapValid}>
          Check the coins
        </Button>
      </div>
      {found && (
        <div className="stack" data-testid="recover-coins">
          <Alert tone="success" title={`${found.length} coin${found.length === 1 ? '' : 's'}, ${formatBtc(total)} in total`}>
            Every coin pays an address of this wallet.
          </Alert>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Coin</th>
                  <th scope="col">Address</th>
                  <th scope="col">Amount</th>
                </tr>
              </thead>
              <tbody>
                {found.map((c) => (
                  <tr key={`${c.txid}:${c.vout}`}>
                    <td className="mono small break">
                      {c.txid}:{c.vout}
                    </td>
                    <td className="mono small break">
                      {c.branch}/{c.index} {c.address.address}
                    </td>
                    <td className="mono">{formatBtc(c.valueSats)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}

async function fetchJson(url: string): Promise<unknown> {
  const reply = await fetch(url, { credentials: 'omit', referrerPolicy: 'no-referrer', cache: 'no-store' });
  if (!reply.ok) throw new Error(`HTTP ${reply.status} from ${url}`);
  return reply.json();
}

function Sweep({ loaded, keys, coins }: { loaded: LoadedCard; keys: UnlockedKeys; coins: WalletUtxo[] }) {
  const [destination, setDestination] = useState('');
  const [feeRate, setFeeRate] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<SweepResult | null>(null);
  const { lib, card } = loaded;

  function build(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    setResult(null);
    try {
      const rate = Number(feeRate.trim().replace(',', '.'));
      setResult(lib.buildSweep({ card, keys, utxos: coins, destination: destination.trim(), feeRateSatVb: feeRate.trim() === '' ? Number.NaN : rate }));
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="stack">
      <form className="stack" onSubmit={build}>
        <Field
          label="Destination address"
          value={destination}
          onChange={(e) => setDestination(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          className="mono"
          hint="An address of a wallet you control (ideally a new one). Every coin goes there, minus the fee."
          required
        />
        <Field
          label="Fee rate (sat/vB)"
          inputMode="decimal"
          value={feeRate}
          onChange={(e) => setFeeRate(e.target.value)}
          hint="From a fee estimator: bitcoin-cli estimatesmartfee 6, or mempool.space. The transaction signals replace-by-fee."
          required
        />
        <RecoveryErrorView error={error} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary">
            Build and sign the sweep
          </button>
        </div>
      </form>
      {result && <SweepOutput result={result} network={card.wallet.network} />}
    </div>
  );
}

function SweepOutput({ result, network }: { result: SweepResult; network: string }) {
  return (
    <div className="stack" data-testid="sweep-result">
      <Alert tone="success" title="Signed by Key #1 and Key #2">
        Nothing has been sent. Check the amounts, then broadcast the raw transaction.
      </Alert>
      <dl className="facts">
        <dt>Send</dt>
        <dd className="mono" data-testid="sweep-amount">
          {formatBtc(result.amountSats)}
        </dd>
        <dt>To</dt>
        <dd className="mono break">{result.destination}</dd>
        <dt>Fee</dt>
        <dd className="mono">
          {result.feeSats.toString()} sats ({result.vsize} vB; fee computed on at most {result.vsizeEstimate} vB)
        </dd>
        <dt>Coins spent</dt>
        <dd className="mono">{formatBtc(result.totalInSats)}</dd>
        <dt>Transaction id</dt>
        <dd className="mono break" data-testid="sweep-txid">
          {result.txid}
        </dd>
      </dl>
      <div className="stack">
        <h3 className="small-title">Raw transaction (hex)</h3>
        <textarea className="json-editor recover-output" readOnly rows={5} value={result.txHex} aria-label="Raw transaction (hex)" data-testid="sweep-tx-hex" />
        <div className="row-actions">
          <CopyButton value={result.txHex} label="Copy raw transaction" />
          <button type="button" className="btn btn-secondary btn-small" onClick={() => downloadText(`sweep-${result.txid.slice(0, 8)}.txt`, `${result.txHex}\n`)}>
            Download .txt
          </button>
        </div>
      </div>
      <div className="stack">
        <h3 className="small-title">Signed PSBT (base64)</h3>
        <textarea className="json-editor recover-output" readOnly rows={5} value={result.psbtBase64} aria-label="Signed PSBT (base64)" data-testid="sweep-psbt" />
        <div className="row-actions">
          <CopyButton value={result.psbtBase64} label="Copy PSBT" />
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => downloadText(`sweep-${result.txid.slice(0, 8)}.psbt`, Uint8Array.from(atob(result.psbtBase64), (c) => c.charCodeAt(0)), 'application/octet-stream')}
          >
            Download .psbt
          </button>
        </div>
        <p className="small muted">Open the PSBT in any PSBT-capable wallet (Sparrow, Bitcoin Core) to inspect it before broadcasting.</p>
      </div>
      <div className="stack">
        <h3 className="small-title">Broadcast it, from any computer</h3>
        <ol className="steps small">
          <li>
            On any node: <code>bitcoin-cli{network === 'mainnet' ? '' : ` -${network === 'testnet' ? 'testnet' : 'regtest'}`} sendrawtransaction &lt;hex&gt;</code>
          </li>
          <li>
            Or an explorer’s “broadcast transaction” page (e.g. mempool.space/tx/push), or <code>curl -X POST -d &lt;hex&gt; https://mempool.space/api/tx</code>.
          </li>
          <li>Then treat the old wallet as exposed: the card and password were used together on this computer. Close this page and create a new wallet.</li>
        </ol>
      </div>
    </div>
  );
}
