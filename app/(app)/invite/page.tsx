import { AcceptInvite } from '@/components/auth/AcceptInvite';
import { AuthCard } from '@/components/shell/AuthCard';

export const metadata = { title: 'Accept invitation' };

export default function InvitePage() {
  return (
    <AuthCard title="You are invited to Keystead" lead="Check the details, then create a passkey for your account.">
      <AcceptInvite />
    </AuthCard>
  );
}
