/**
 * Named groups of principals ("operations managers", "API servers") that quorums refer to.
 * A change is refused when it would create a cycle, name someone outside the organisation, or
 * leave any wallet's active policy impossible to meet (e.g. a group smaller than its k).
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { principalGroupMembers, principalGroups, walletPolicies, wallets } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { rethrowConflict } from '../db-errors';
import { findGroupCycle, type GroupMember } from '../policy';
import { appendAudit } from './audit';
import { checkPolicyDocument, policyDirectory } from './policies';
import type { SessionInfo } from './sessions';

export async function listGroups(db: Db, orgId: string) {
  const groups = await db.select().from(principalGroups).where(eq(principalGroups.orgId, orgId)).orderBy(asc(principalGroups.name));
  const members = groups.length ? await db.select().from(principalGroupMembers).where(inArray(principalGroupMembers.groupId, groups.map((g) => g.id))) : [];
  return groups.map((g) => ({ ...g, members: members.filter((m) => m.groupId === g.id).map((m) => ({ kind: m.kind, id: m.memberId }) as GroupMember) }));
}

async function loadGroup(tx: Tx | Db, orgId: string, groupId: string) {
  const [g] = await tx.select().from(principalGroups).where(and(eq(principalGroups.id, groupId), eq(principalGroups.orgId, orgId)));
  if (!g) throw new AppError('NOT_FOUND', `group ${groupId} not in org ${orgId}`);
  return g;
}

/** Every active wallet policy of the organisation must still validate against the new groups. */
async function assertPoliciesStillValid(tx: Tx, orgId: string) {
  const active = await tx
    .select({ walletId: wallets.id, name: wallets.name, orgId: wallets.orgId, document: walletPolicies.document, version: walletPolicies.version })
    .from(walletPolicies)
    .innerJoin(wallets, eq(wallets.id, walletPolicies.walletId))
    .where(and(eq(wallets.orgId, orgId), eq(walletPolicies.state, 'active')));
  for (const p of active) {
    try {
      checkPolicyDocument(p.document, await policyDirectory(tx, { id: p.walletId, orgId }));
    } catch (error) {
      throw new AppError('POLICY_UNSATISFIABLE', `wallet ${p.walletId}: ${(error as Error).message}`, {
        cause: error,
        userMessage: `This change would break the policy of wallet “${p.name}” (version ${p.version}): ${(error as AppError).userMessage ?? (error as Error).message} Change that policy first.`,
      });
    }
  }
}

export async function saveGroup(db: Db, actor: SessionInfo, input: { groupId?: string; name: string; description: string; members: GroupMember[] }) {
  return db.transaction(async (tx) => {
    let id = input.groupId;
    if (id) {
      await loadGroup(tx, actor.orgId, id);
      await tx.update(principalGroups).set({ name: input.name, description: input.description }).where(eq(principalGroups.id, id)).catch(rethrowConflict);
      await tx.delete(principalGroupMembers).where(eq(principalGroupMembers.groupId, id));
    } else {
      const [row] = await tx.insert(principalGroups).values({ orgId: actor.orgId, name: input.name, description: input.description }).returning().catch(rethrowConflict);
      id = row!.id;
    }
    const unique = [...new Map(input.members.map((m) => [`${m.kind}:${m.id}`, m])).values()];
    // Members must belong to this organisation (people active, keys live, groups ours).
    const directory = await policyDirectory(tx, { id: '00000000-0000-0000-0000-000000000000', orgId: actor.orgId });
    const ours = new Set((await tx.select({ id: principalGroups.id }).from(principalGroups).where(eq(principalGroups.orgId, actor.orgId))).map((g) => g.id));
    for (const m of unique) {
      const known = m.kind === 'user' ? (directory.users as Map<string, unknown>).has(m.id) : m.kind === 'api_key' ? (directory.apiKeys as Map<string, unknown>).has(m.id) : ours.has(m.id);
      if (!known) throw new AppError('NOT_FOUND', `${m.kind} ${m.id} not in org`, { userMessage: `A member of this group is not in your organisation (${m.kind}).` });
    }
    if (unique.length) await tx.insert(principalGroupMembers).values(unique.map((m) => ({ groupId: id!, kind: m.kind, memberId: m.id })));
    const groups = await listGroupsTx(tx, actor.orgId);
    const cycle = findGroupCycle(new Map(groups.map((g) => [g.id, g])), [id!]);
    if (cycle) {
      const names = cycle.map((c) => groups.find((g) => g.id === c)?.name ?? c);
      throw new AppError('POLICY_INVALID', `group cycle ${cycle.join(' → ')}`, { userMessage: `Groups cannot contain themselves: ${names.join(' → ')}. Remove one of these memberships.` });
    }
    await assertPoliciesStillValid(tx, actor.orgId);
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: input.groupId ? 'group.updated' : 'group.created', payload: { groupId: id!, name: input.name, members: unique.map((m) => `${m.kind}:${m.id}`) } });
    return { id: id! };
  });
}

async function listGroupsTx(tx: Tx, orgId: string) {
  const groups = await tx.select().from(principalGroups).where(eq(principalGroups.orgId, orgId));
  const members = groups.length ? await tx.select().from(principalGroupMembers).where(inArray(principalGroupMembers.groupId, groups.map((g) => g.id))) : [];
  return groups.map((g) => ({ id: g.id, name: g.name, members: members.filter((m) => m.groupId === g.id).map((m) => ({ kind: m.kind, id: m.memberId }) as GroupMember) }));
}

export async function deleteGroup(db: Db, actor: SessionInfo, groupId: string) {
  return db.transaction(async (tx) => {
    const g = await loadGroup(tx, actor.orgId, groupId);
    await tx.delete(principalGroupMembers).where(and(eq(principalGroupMembers.kind, 'group'), eq(principalGroupMembers.memberId, groupId)));
    await tx.delete(principalGroupMembers).where(eq(principalGroupMembers.groupId, groupId));
    await tx.delete(principalGroups).where(eq(principalGroups.id, groupId));
    await assertPoliciesStillValid(tx, actor.orgId);
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'group.deleted', payload: { groupId, name: g.name } });
  });
}
