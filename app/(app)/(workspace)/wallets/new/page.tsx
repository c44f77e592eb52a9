import { PageHeader } from '@/components/shell/PageHeader';
import { CreateWalletWizard } from '@/components/wallet/CreateWalletWizard';

export const metadata = { title: 'Create wallet' };

export default function Page() {
  return (
    <>
      <PageHeader title="Create a Bitcoin wallet" lead="A 2-of-3 multisig wallet: your key, your backup key and Keystead’s co-signer. Any two can spend." />
      <CreateWalletWizard />
    </>
  );
}
