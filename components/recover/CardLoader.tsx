'use client';
import { useId, useState, type ReactNode } from 'react';
import { Button } from '@/components/ui/Button';
import type { BitcoinNetwork } from '@/lib/crypto/networks';
import type { KeycardData } from '@/lib/keycard/data';
import { RecoveryError } from '@/lib/recovery/errors';
import { loadRecovery, type RecoveryLib } from './download';
import { RecoveryErrorView } from './RecoveryErrorView';

type Source = 'pdf' | 'json' | 'qr' | 'typed';
const SOURCES: { id: Source; label: string }[] = [
  { id: 'pdf', label: 'Key card PDF' },
  { id: 'json', label: 'Card JSON' },
  { id: 'qr', label: 'QR code texts' },
  { id: 'typed', label: 'Type the boxes' },
];
const LABELS = ['DESC', 'BOX1', 'BOX2', 'BOX3', 'BOX4'] as const;

export interface LoadedCard {
  card: KeycardData;
  lib: RecoveryLib;
  /** The two single-branch descriptors (receive /0/*, change /1/*), for `scantxoutset`. */
  branches: { receive: string; change: string };
}

export function TextArea({ label, hint, value, onChange, rows = 4, mono = true }: { label: string; hint?: ReactNode; value: string; onChange: (v: string) => void; rows?: number; mono?: boolean }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={rows}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        autoComplete="off"
        autoCapitalize="off"
        className={mono ? 'json-editor' : undefined}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

export function CardLoader({ onLoaded }: { onLoaded: (loaded: LoadedCard) => void }) {
  const [source, setSource] = useState<Source>('pdf');
  const [network, setNetwork] = useState<'' | BitcoinNetwork>('');
  const [file, setFile] = useState<File | null>(null);
  const [json, setJson] = useState('');
  const [qr, setQr] = useState('');
  const [typed, setTyped] = useState<Record<(typeof LABELS)[number], string>>({ DESC: '', BOX1: '', BOX2: '', BOX3: '', BOX4: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const networkId = useId();
  const fileId = useId();
  const needsNetwork = source === 'qr' || source === 'typed';

  async function load() {
    setBusy(true);
    setError(null);
    try {
      const lib = await loadRecovery();
      const net = network || undefined;
      let card: KeycardData;
      if (source === 'pdf') {
        if (!file) throw new RecoveryError('WRONG_FORMAT', 'No file was chosen.');
        card = lib.loadKeycardFromPdf(new Uint8Array(await file.arrayBuffer()), { network: net });
      } else if (source === 'json') {
        if (!json.trim()) throw new RecoveryError('WRONG_FORMAT', 'Nothing was pasted.');
        card = lib.loadKeycardFromJson(json.replace(/^\uFEFF/, '').trim(), { network: net });
      } else if (source === 'qr') {
        if (!net) throw new RecoveryError('WRONG_NETWORK', 'QR codes do not say the network: choose mainnet, testnet or regtest above.');
        card = lib.loadKeycardFromQr(qr.split(/\r?\n/).map((l) => l.trim()), { network: net });
      } else {
        if (!net) throw new RecoveryError('WRONG_NETWORK', 'The typed boxes do not say the network: choose mainnet, testnet or regtest above.');
        card = lib.loadKeycardFromTexts(typed, { network: net });
      }
      const { branchDescriptors } = await import('@/lib/crypto/descriptor');
      const branches = branchDescriptors(lib.cardOrigins(card), card.wallet.network);
      onLoaded({ card, lib, branches });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack">
      <div className="tabs" role="tablist" aria-label="Where the key card comes from">
        {SOURCES.map((s) => (
          <button
            key={s.id}
            type="button"
            role="tab"
            className="tab"
            id={`recover-tab-${s.id}`}
            aria-selected={source === s.id}
            aria-controls="recover-card-panel"
            onClick={() => {
              setSource(s.id);
              setError(null);
            }}
          >
            {s.label}
          </button>
        ))}
      </div>
      <div className="stack tab-panel" role="tabpanel" id="recover-card-panel" aria-labelledby={`recover-tab-${source}`}>
        <div className="field">
          <label htmlFor={networkId}>Network</label>
          <select id={networkId} value={network} onChange={(e) => setNetwork(e.target.value as '' | BitcoinNetwork)}>
            <option value="">{needsNetwork ? 'Choose the network…' : 'As written on the card'}</option>
            <option value="mainnet">Bitcoin mainnet</option>
            <option value="testnet">Testnet</option>
            <option value="regtest">Regtest</option>
          </select>
          <p className="field-hint">
            {needsNetwork
              ? 'Required: QR codes and box texts do not say whether tpub keys are testnet or regtest. Mainnet cards use xpub keys.'
              : 'Optional: choose one to make sure the card is of that network.'}
          </p>
        </div>

        {source === 'pdf' && (
          <div className="field">
            <label htmlFor={fileId}>Key card file (PDF)</label>
            <input id={fileId} type="file" accept="application/pdf,.pdf" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            <p className="field-hint">The PDF Keystead made when the wallet was created. Its data is read in this browser; the file is not uploaded anywhere.</p>
          </div>
        )}
        {source === 'json' && (
          <TextArea label="Card JSON (keystead-keycard.json)" value={json} onChange={setJson} rows={6} hint="The JSON file attached inside the key card PDF, pasted as it is." />
        )}
        {source === 'qr' && (
          <TextArea
            label="QR code texts, one per line"
            value={qr}
            onChange={setQr}
            rows={6}
            hint={'Scan each of the five codes (DESC, BOX1 … BOX4; some boxes have several parts) with any QR reader and paste what it reads, one code per line. Each starts with "KS1/".'}
          />
        )}
        {source === 'typed' && (
          <>
            <p className="muted small">Type the text printed beside each QR code. Spaces and line breaks are ignored.</p>
            {LABELS.map((label) => (
              <TextArea
                key={label}
                label={label === 'DESC' ? 'DESC: wallet descriptor' : `${label}: text of Box ${label.slice(3)}`}
                value={typed[label]}
                onChange={(v) => setTyped((t) => ({ ...t, [label]: v }))}
                rows={label === 'DESC' || label === 'BOX3' ? 2 : 4}
              />
            ))}
          </>
        )}
        <RecoveryErrorView error={error} />
        <div className="form-actions">
          <Button onClick={load} busy={busy} busyLabel="Reading the key card…">
            Load the key card
          </Button>
        </div>
      </div>
    </div>
  );
}
