import { z } from 'zod';
import { deleteGroup, listGroups, saveGroup } from '../../services/groups';
import { orgProcedure, router } from '../../trpc';
import { Ok } from '../schemas';

const Member = z.object({ kind: z.enum(['user', 'api_key', 'group']), id: z.uuid() });
const GroupOut = z.object({ id: z.uuid(), name: z.string(), description: z.string(), members: z.array(Member) });

/** Members see groups (they appear in quorums); only admins change them. */
const list = orgProcedure('admin', 'member', 'auditor')
  .output(z.array(GroupOut))
  .query(async ({ ctx }) => listGroups(ctx.db, ctx.session.orgId));

const save = orgProcedure('admin')
  .input(z.object({ groupId: z.uuid().optional(), name: z.string().trim().min(1).max(80), description: z.string().trim().max(300).default(''), members: z.array(Member).max(200) }))
  .output(z.object({ id: z.uuid() }))
  .mutation(async ({ ctx, input }) => saveGroup(ctx.db, ctx.session, input));

const remove = orgProcedure('admin')
  .input(z.object({ groupId: z.uuid() }))
  .output(Ok)
  .mutation(async ({ ctx, input }) => {
    await deleteGroup(ctx.db, ctx.session, input.groupId);
    return { ok: true as const };
  });

export const groupsRouter = router({ list, save, remove });
