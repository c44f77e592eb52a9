import Link from 'next/link';
import { SigninPanel } from '@/components/auth/SigninPanel';
import { AuthCard } from '@/components/shell/AuthCard';

export const metadata = { title: 'Sign in' };

export default function SigninPage() {
  return (
    <AuthCard
      title="Sign in"
      lead="Use the passkey on this device, your phone or your security key."
      footer={
        <>
          New to Keystead? <Link href="/signup">Create an organisation</Link>
        </>
      }
    >
      <SigninPanel />
    </AuthCard>
  );
}
