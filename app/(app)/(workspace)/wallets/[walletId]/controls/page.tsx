import { ControlsPage } from '@/components/controls/ControlsPage';
import { CONTROL_TABS } from '@/components/controls/tabs';

export const metadata = { title: 'Wallet controls' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function Page({ params, searchParams }: { params: Promise<{ walletId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { walletId } = await params;
  const query = await searchParams;
  const tab = CONTROL_TABS.find((t) => t === query.tab) ?? 'policy';
  const request = typeof query.request === 'string' && UUID.test(query.request) ? query.request.toLowerCase() : null;
  return <ControlsPage walletId={walletId} initialTab={tab} initialRequest={request} />;
}
