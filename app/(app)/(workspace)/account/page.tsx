import { AccountPage } from '@/components/account/AccountPage';

export const metadata = { title: 'Account & passkeys' };

export default function Page() {
  return <AccountPage />;
}
