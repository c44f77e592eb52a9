import { RecoveryPage } from '@/components/settings/RecoveryPage';

export const metadata = { title: 'Password recovery' };

export default function Page() {
  return <RecoveryPage />;
}
