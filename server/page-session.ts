import 'server-only';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getConfig } from './config';
import { sessionCookieName } from './auth/cookies';
import { getDb } from './db';
import { loadSession, type SessionInfo } from './services/sessions';

/** For server components: the signed-in session, or a redirect to the sign-in page. */
export async function requirePageSession(): Promise<SessionInfo> {
  const config = getConfig();
  const token = (await cookies()).get(sessionCookieName(config))?.value;
  const session = await loadSession(await getDb(), token);
  if (!session) redirect('/signin');
  return session;
}
