import { router } from '../trpc';
import { auditRouter } from './audit';
import { authRouter } from './auth';
import { invitesRouter } from './invites';
import { membersRouter } from './members';
import { orgRouter } from './org';
import { passkeysRouter } from './passkeys';
import { transfersRouter } from './transfers';
import { walletsRouter } from './wallets';

export const appRouter = router({
  auth: authRouter,
  org: orgRouter,
  members: membersRouter,
  invites: invitesRouter,
  passkeys: passkeysRouter,
  audit: auditRouter,
  wallets: walletsRouter,
  transfers: transfersRouter,
});

export type AppRouter = typeof appRouter;
