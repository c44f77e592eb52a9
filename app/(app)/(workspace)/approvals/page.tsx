import { ApprovalsPage } from '@/components/approvals/ApprovalsPage';

export const metadata = { title: 'Approvals' };

export default function Page() {
  return <ApprovalsPage />;
}
