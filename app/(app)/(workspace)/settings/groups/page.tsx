import { GroupsPage } from '@/components/groups/GroupsPage';

export const metadata = { title: 'Groups' };

export default function Page() {
  return <GroupsPage />;
}
