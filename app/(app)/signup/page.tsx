import Link from 'next/link';
import { SignupForm } from '@/components/auth/SignupForm';
import { AuthCard } from '@/components/shell/AuthCard';

export const metadata = { title: 'Create an organisation' };

export default function SignupPage() {
  return (
    <AuthCard
      title="Create your organisation"
      lead="Set up Keystead for your institution. You will sign in with a passkey, never a password."
      footer={
        <>
          Already have an account? <Link href="/signin">Sign in</Link>
        </>
      }
    >
      <SignupForm />
    </AuthCard>
  );
}
