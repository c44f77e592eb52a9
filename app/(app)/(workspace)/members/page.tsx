import { MembersPage } from '@/components/members/MembersPage';

export const metadata = { title: 'Members' };

export default function Page() {
  return <MembersPage />;
}
