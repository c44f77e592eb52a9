import Link from 'next/link';
import { RecoverTool } from '@/components/recover/RecoverTool';
import { Logo } from '@/components/shell/Logo';

export const metadata = { title: 'Recover a wallet without Keystead' };
// A static page: no session, no data from our servers. Save it (or this build) to use it offline.
export const dynamic = 'force-static';

export default function RecoverPage() {
  return (
    <main className="recover-page">
      <header className="landing-header">
        <Link href="/" className="auth-logo" prefetch={false}>
          <Logo />
        </Link>
      </header>
      <div className="recover-intro">
        <h1>Recover a wallet without Keystead</h1>
        <p className="lead">
          With the key card and the wallet password, move all of a wallet’s bitcoin with Key #1 and Key #2 — no Keystead account, server or co-signer
          needed.
        </p>
        <ul className="plain-list small muted">
          <li>Everything happens in this browser. This page sends nothing to Keystead; you can disconnect from the network once it has loaded.</li>
          <li>It builds and signs a transaction; you broadcast it yourself, from any node or explorer.</li>
          <li>
            The same steps work without this page, with Bitcoin Core or Sparrow: see the instructions printed on the key card.
          </li>
        </ul>
      </div>
      <RecoverTool />
    </main>
  );
}
