import { and, asc, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { whitelistEntries } from '@/db/schema';
import { WALLET_ROLES } from '@/lib/roles';
import { proposeWhitelistAddition, removeWhitelistEntry } from '../../services/governance';
import { actorOf } from '../../services/transfers';
import { router, walletProcedure } from '../../trpc';
import { GovernanceOut, governanceView } from '../governance/schemas';
import { IsoDate } from '../schemas';

const EntryOut = z.object({ id: z.uuid(), address: z.string(), label: z.string(), state: z.enum(['pending', 'active', 'removed']), usableFrom: IsoDate.nullable(), createdAt: IsoDate });

const list = walletProcedure(...WALLET_ROLES)
  .output(z.array(EntryOut))
  .query(async ({ ctx }) =>
    ctx.db.select().from(whitelistEntries).where(and(eq(whitelistEntries.walletId, ctx.wallet.id), ne(whitelistEntries.state, 'removed'))).orderBy(asc(whitelistEntries.label)),
  );

/** Additions are change requests for the quorum, optionally usable only after a cooling-off delay. */
const propose = walletProcedure('approver')
  .input(z.object({ address: z.string().trim().min(1).max(100), label: z.string().trim().min(1).max(80), coolingOffHours: z.number().int().min(0).max(720).default(0) }))
  .output(GovernanceOut)
  .mutation(async ({ ctx, input }) => governanceView(await proposeWhitelistAddition(ctx.db, ctx.config, { ...actorOf(ctx.session), userId: ctx.session.userId }, ctx.wallet, input)));

/** Removing an address only tightens control: it applies at once (audited). */
const remove = walletProcedure('approver')
  .input(z.object({ entryId: z.uuid() }))
  .output(EntryOut)
  .mutation(async ({ ctx, input }) => removeWhitelistEntry(ctx.db, { ...actorOf(ctx.session), userId: ctx.session.userId }, ctx.wallet, input.entryId));

export const whitelistRouter = router({ list, propose, remove });
