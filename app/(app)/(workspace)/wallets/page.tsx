import { WalletsPage } from '@/components/wallet/WalletsPage';

export const metadata = { title: 'Wallets' };

export default function Page() {
  return <WalletsPage />;
}
