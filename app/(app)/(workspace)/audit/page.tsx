import { AuditPage } from '@/components/audit/AuditPage';

export const metadata = { title: 'Audit log' };

export default function Page() {
  return <AuditPage />;
}
