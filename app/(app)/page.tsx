import Link from 'next/link';
import { Logo } from '@/components/shell/Logo';

export default function Home() {
  return (
    <main className="landing">
      <header className="landing-header">
        <Logo />
        <nav aria-label="Account">
          <Link href="/signin" className="btn btn-ghost">
            Sign in
          </Link>
        </nav>
      </header>
      <section className="hero">
        <h1>Self-custody your institution can prove.</h1>
        <p className="lead">
          Keystead keeps digital assets in 2-of-3 multisig wallets whose spending rule lives on-chain. Your keys are created and
          encrypted in your browser; every transfer passes your approval policy; and your key card recovers the funds without us.
        </p>
        <div className="hero-actions">
          <Link href="/signup" className="btn btn-primary">
            Create an organisation
          </Link>
          <Link href="/signin" className="btn btn-secondary">
            Sign in with a passkey
          </Link>
        </div>
        <p className="small">
          <Link href="/recover">Recover a wallet without Keystead</Link>: your key card and wallet password, in this browser, offline.
        </p>
      </section>
      <section className="features" aria-label="How Keystead protects assets">
        <article>
          <h2>Keys stay with you</h2>
          <p>The user and backup keys are generated in the browser and leave it only encrypted with your wallet password.</p>
        </article>
        <article>
          <h2>Policy before signature</h2>
          <p>Roles, approval quorums, whitelists and limits decide every transfer before the co-signer adds its signature.</p>
        </article>
        <article>
          <h2>Every action on the record</h2>
          <p>Sign-ins, invitations and role changes go into a hash-chained audit log that auditors can verify themselves.</p>
        </article>
      </section>
    </main>
  );
}
