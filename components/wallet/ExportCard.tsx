'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc/react';
import { Button } from '@/components/ui/Button';
import { CopyButton } from '@/components/ui/CopyButton';
import { downloadFile } from '@/components/ui/download';
import { ErrorAlert } from '@/components/ui/ErrorAlert';

const download = (name: string, text: string, type = 'application/json') => downloadFile(name, text, type);

/**
 * The wallet for tools nobody here wrote (docs/wallet-export.md): watch it in Bitcoin Core,
 * Electrum or Sparrow and check its addresses and balance independently of Keystead.
 */
export function ExportCard({ walletId, walletName }: { walletId: string; walletName: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.wallets.export.queryOptions({ walletId }));
  const slug = walletName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'wallet';
  return (
    <section className="card stack" aria-labelledby="export-title">
      <h2 id="export-title">Verify with other wallets</h2>
      <p className="muted small">
        Public data only (no keys): watch this wallet in Bitcoin Core, Electrum or Sparrow to check its addresses and balance without Keystead. To spend without Keystead, use the key card with{' '}
        <a href="/recover">the recovery page</a>.
      </p>
      {q.error && <ErrorAlert error={q.error} title="Could not prepare the exports" />}
      {q.data && (
        <>
          <p className="small">
            Bitcoin Core: <code className="mono">bitcoin-cli -rpcwallet=&lt;a blank watch-only wallet&gt; importdescriptors &apos;&lt;the JSON&gt;&apos;</code>{' '}
            <CopyButton value={q.data.bitcoinCoreImport} label="Copy the JSON" />
          </p>
          <div className="row-actions">
            <Button variant="secondary" className="btn-small" onClick={() => download(`${slug}-bitcoin-core-import.json`, q.data.bitcoinCoreImport)}>
              Bitcoin Core (importdescriptors)
            </Button>
            <Button variant="secondary" className="btn-small" onClick={() => download(`${slug}-electrum-watch-only.json`, q.data.electrumWatchOnly)}>
              Electrum wallet file (watch-only)
            </Button>
            <Button variant="secondary" className="btn-small" onClick={() => download(`${slug}.bsms`, q.data.bsms, 'text/plain')}>
              BSMS record (BIP129, for Sparrow and others)
            </Button>
            <Button variant="secondary" className="btn-small" onClick={() => download(`${slug}-descriptors.txt`, `${q.data.descriptor}\n${q.data.receiveDescriptor}\n${q.data.changeDescriptor}\n`, 'text/plain')}>
              Descriptors (BIP380)
            </Button>
          </div>
        </>
      )}
    </section>
  );
}
