import { z } from 'zod';
import { WALLET_ROLES } from '@/lib/roles';
import { satsToBtcString } from '@/lib/bitcoin/amount';
import { AppError } from '@/lib/errors';
import { describePolicy, type PolicyDocument } from '../../policy';
import { proposePolicy } from '../../services/governance';
import { activePolicy, directoryNames, listPolicyVersions, policyDirectory } from '../../services/policies';
import { actorOf } from '../../services/transfers';
import { router, walletProcedure } from '../../trpc';
import { GovernanceOut, governanceView } from '../governance/schemas';
import { IsoDate } from '../schemas';

/**
 * The wallet's policy in force (JSON and in words), its version history, and the directory a new
 * version may refer to (people, API keys, groups, wallet approvers).
 */
const get = walletProcedure(...WALLET_ROLES)
  .output(
    z.object({
      active: z.object({ version: z.number().int(), hash: z.string(), document: z.record(z.string(), z.unknown()), description: z.array(z.string()) }),
      versions: z.array(z.object({ version: z.number().int(), state: z.string(), hash: z.string(), createdAt: IsoDate, activatedAt: IsoDate.nullable() })),
      directory: z.object({
        users: z.array(z.object({ id: z.string(), name: z.string() })),
        apiKeys: z.array(z.object({ id: z.string(), name: z.string() })),
        groups: z.array(z.object({ id: z.string(), name: z.string(), size: z.number().int() })),
        walletApprovers: z.array(z.string()),
      }),
    }),
  )
  .query(async ({ ctx }) => {
    const active = await activePolicy(ctx.db, ctx.wallet.id);
    const directory = await policyDirectory(ctx.db, ctx.wallet);
    const versions = await listPolicyVersions(ctx.db, ctx.wallet.id);
    const nameTable = directoryNames(directory);
    return {
      active: { version: active.version, hash: active.hash, document: active.document as unknown as Record<string, unknown>, description: describePolicy(active.document, nameTable, { formatAmount: (n) => `${satsToBtcString(n)} BTC` }) },
      versions: versions.map((v) => ({ version: v.version, state: v.state, hash: v.hash, createdAt: v.createdAt, activatedAt: v.activatedAt })),
      directory: {
        users: Object.entries(nameTable.users).map(([id, v]) => ({ id, name: v.name })),
        apiKeys: Object.entries(nameTable.apiKeys).map(([id, v]) => ({ id, name: v.name })),
        groups: [...(directory.groups as ReadonlyMap<string, { name: string; members: readonly unknown[] }>)].map(([id, g]) => ({ id, name: g.name, size: g.members.length })),
        walletApprovers: [...directory.walletApprovers],
      },
    };
  });

/** One version (e.g. a proposed one an approver is asked to approve), in JSON and in words. */
const version = walletProcedure(...WALLET_ROLES)
  .input(z.object({ version: z.number().int().min(1) }))
  .output(z.object({ version: z.number().int(), state: z.string(), hash: z.string(), document: z.record(z.string(), z.unknown()), description: z.array(z.string()) }))
  .query(async ({ ctx, input }) => {
    const row = (await listPolicyVersions(ctx.db, ctx.wallet.id)).find((v) => v.version === input.version);
    if (!row) throw new AppError('NOT_FOUND', `policy version ${input.version} of wallet ${ctx.wallet.id}`);
    const directory = await policyDirectory(ctx.db, ctx.wallet);
    const nameTable = directoryNames(directory);
    const document = row.document as PolicyDocument;
    return { version: row.version, state: row.state, hash: row.hash, document: document as unknown as Record<string, unknown>, description: describePolicy(document, nameTable, { formatAmount: (n) => `${satsToBtcString(n)} BTC` }) };
  });

/** Proposes a new version; it applies once the current quorum approves (governance). */
const propose = walletProcedure('approver')
  .input(z.object({ document: z.unknown() }))
  .output(GovernanceOut)
  .mutation(async ({ ctx, input }) => governanceView(await proposePolicy(ctx.db, ctx.config, { ...actorOf(ctx.session), userId: ctx.session.userId }, ctx.wallet, input.document)));

export const policiesRouter = router({ get, version, propose });
