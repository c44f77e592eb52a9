import { router } from '../trpc';
import { apiKeysRouter } from './apiKeys';
import { approvalsRouter } from './approvals';
import { auditRouter } from './audit';
import { governanceRouter } from './governance';
import { groupsRouter } from './groups';
import { policiesRouter } from './policies';
import { recoveryRouter } from './recovery';
import { walletMembersRouter } from './walletMembers';
import { whitelistRouter } from './whitelist';
import { authRouter } from './auth';
import { invitesRouter } from './invites';
import { membersRouter } from './members';
import { notificationsRouter } from './notifications';
import { orgRouter } from './org';
import { passkeysRouter } from './passkeys';
import { transfersRouter } from './transfers';
import { walletsRouter } from './wallets';
import { webhooksRouter } from './webhooks';

export const appRouter = router({
  auth: authRouter,
  org: orgRouter,
  members: membersRouter,
  invites: invitesRouter,
  passkeys: passkeysRouter,
  audit: auditRouter,
  wallets: walletsRouter,
  transfers: transfersRouter,
  policies: policiesRouter,
  recovery: recoveryRouter,
  governance: governanceRouter,
  groups: groupsRouter,
  whitelist: whitelistRouter,
  walletMembers: walletMembersRouter,
  notifications: notificationsRouter,
  webhooks: webhooksRouter,
  apiKeys: apiKeysRouter,
  approvals: approvalsRouter,
});

export type AppRouter = typeof appRouter;
