import { WalletPage } from '@/components/wallet/WalletPage';

export const metadata = { title: 'Wallet' };

export default async function Page({ params }: { params: Promise<{ walletId: string }> }) {
  const { walletId } = await params;
  return <WalletPage walletId={walletId} />;
}
