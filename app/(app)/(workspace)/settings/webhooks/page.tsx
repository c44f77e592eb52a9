import { WebhooksPage } from '@/components/settings/WebhooksPage';

export const metadata = { title: 'Webhooks' };

export default function Page() {
  return <WebhooksPage />;
}
