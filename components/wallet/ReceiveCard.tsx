'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '@/lib/trpc/react';
import { Alert } from '@/components/ui/Alert';
import { Button } from '@/components/ui/Button';
import { CopyButton } from '@/components/ui/CopyButton';
import { ErrorAlert } from '@/components/ui/ErrorAlert';
import { AddressQr } from './AddressQr';

interface WalletView {
  id: string;
  network: 'mainnet' | 'testnet' | 'regtest';
  myRole: 'approver' | 'initiator' | 'viewer';
  keys: { role: 'user' | 'backup' | 'cosigner'; fingerprint: string; path: string; xpub: string }[];
}

/**
 * Shows the newest receive address. The browser derives the same address itself from the three
 * public keys and says whether it agrees with the server: a compromised server cannot silently
 * substitute an address of its own.
 */
export function ReceiveCard({ wallet }: { wallet: WalletView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const addresses = useQuery(trpc.wallets.addresses.queryOptions({ walletId: wallet.id }));
  const issue = useMutation(
    trpc.wallets.newAddress.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.wallets.addresses.queryKey({ walletId: wallet.id }) }) }),
  );
  const latest = addresses.data?.at(-1);
  const [check, setCheck] = useState<'pending' | 'ok' | 'mismatch'>('pending');

  useEffect(() => {
    if (!latest) return;
    let cancelled = false;
    setCheck('pending');
    void Promise.all([import('@/lib/crypto'), import('@/lib/wallet-keys')]).then(([c, { originsFromKeys }]) => {
      const mine = c.deriveAddress(originsFromKeys(wallet.keys, wallet.network), wallet.network, 0, latest.index);
      if (!cancelled) setCheck(mine.address === latest.address ? 'ok' : 'mismatch');
    });
    return () => {
      cancelled = true;
    };
  }, [latest, wallet]);

  return (
    <section className="card" aria-labelledby="receive-title">
      <h2 id="receive-title">Receive</h2>
      {addresses.error && <ErrorAlert error={addresses.error} title="Could not load addresses" />}
      {latest && (
        <div className="receive">
          <AddressQr address={latest.address} />
          <div className="stack">
            <div>
              <div className="muted small">Address #{latest.index} (path 0/{latest.index})</div>
              <div className="copy-row">
                <code className="mono break" data-testid="receive-address">
                  {latest.address}
                </code>
                <CopyButton value={latest.address} label="Copy address" />
              </div>
            </div>
            {check === 'ok' && (
              <Alert tone="success" title="Verified in your browser">
                Your browser derived this address from the wallet’s three public keys and got the same result as the server.
              </Alert>
            )}
            {check === 'mismatch' && (
              <Alert tone="error" title="Do not use this address">
                Your browser derives a different address from the wallet’s public keys. Do not send funds; contact your security team.
              </Alert>
            )}
            {latest.index === 0 && <p className="small muted">Address #0 is also printed on the wallet’s key card: compare them before the first deposit.</p>}
            {wallet.myRole !== 'viewer' && (
              <div>
                <Button variant="secondary" onClick={() => issue.mutate({ walletId: wallet.id })} busy={issue.isPending}>
                  New address
                </Button>
              </div>
            )}
            {issue.error && <ErrorAlert error={issue.error} title="No new address" />}
          </div>
        </div>
      )}
    </section>
  );
}
