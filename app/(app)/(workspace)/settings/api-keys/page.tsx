import { ApiKeysPage } from '@/components/settings/api-keys/ApiKeysPage';

export const metadata = { title: 'API keys' };

export default function Page() {
  return <ApiKeysPage />;
}
