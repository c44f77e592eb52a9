/**
 * Directory helpers: lookups in Map-or-record tables, principal keys, and group resolution.
 *
 * Groups are resolved by flattening: a group's principals are its direct user / API key members plus
 * the principals of its nested groups, each principal once, in order of first appearance (depth
 * first). A nested group that is missing or that closes a cycle contributes nothing here (fail
 * closed: fewer eligible approvers); validatePolicy reports both as errors, and `findGroupCycle` lets
 * the group editor refuse a cycle before it is saved.
 */
import type { DirectoryGroup, MapLike, Principal } from './types';

export function lookup<V>(table: MapLike<V> | undefined, key: string): V | undefined {
  if (table === undefined) return undefined;
  if (table instanceof Map) return table.get(key);
  const rec = table as Readonly<Record<string, V>>;
  return Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : undefined;
}

export function tableKeys<V>(table: MapLike<V>): string[] {
  return table instanceof Map ? [...table.keys()] : Object.keys(table);
}

export function tableSize<V>(table: MapLike<V>): number {
  return table instanceof Map ? table.size : Object.keys(table).length;
}

/** Stable identity of a principal: 'user:<id>' or 'api_key:<id>'. */
export function principalKey(p: { kind: string; id: string }): string {
  return `${p.kind}:${p.id}`;
}

export function samePrincipal(a: Principal, b: Principal): boolean {
  return a.kind === b.kind && a.id === b.id;
}

/** Deduplicated (by principalKey), first occurrence kept. Entries that are not principals are dropped. */
export function uniquePrincipals(list: readonly Principal[]): Principal[] {
  const seen = new Set<string>();
  const out: Principal[] = [];
  for (const p of list) {
    if (p === null || typeof p !== 'object' || (p.kind !== 'user' && p.kind !== 'api_key') || typeof p.id !== 'string') continue;
    const key = principalKey(p);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ kind: p.kind, id: p.id });
  }
  return out;
}

/**
 * The principals of a group with nested groups flattened (see the module comment). Unknown group →
 * []. `memo` (per call site) avoids re-flattening the same group within one evaluation.
 */
export function flattenGroup(
  groupId: string,
  groups: MapLike<DirectoryGroup>,
  memo?: Map<string, Principal[]>,
): Principal[] {
  const cached = memo?.get(groupId);
  if (cached) return cached;
  const out: Principal[] = [];
  const seen = new Set<string>();
  const visit = (id: string, path: Set<string>): void => {
    const group = lookup(groups, id);
    if (!group || path.has(id)) return;
    path.add(id);
    for (const m of group.members) {
      if (m.kind === 'group') {
        visit(m.id, path);
      } else if (m.kind === 'user' || m.kind === 'api_key') {
        const key = principalKey(m);
        if (!seen.has(key)) {
          seen.add(key);
          out.push({ kind: m.kind, id: m.id });
        }
      }
    }
    path.delete(id);
  };
  visit(groupId, new Set());
  memo?.set(groupId, out);
  return out;
}

/**
 * First cycle reachable from `startIds` (all groups if omitted), as the list of group ids along it
 * with the first repeated at the end: ['a', 'b', 'a']. null when there is none.
 */
export function findGroupCycle(groups: MapLike<DirectoryGroup>, startIds?: readonly string[]): string[] | null {
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (id: string): string[] | null => {
    if (onStack.has(id)) return [...stack.slice(stack.indexOf(id)), id];
    if (done.has(id)) return null;
    const group = lookup(groups, id);
    if (!group) return null;
    stack.push(id);
    onStack.add(id);
    for (const m of group.members) {
      if (m.kind !== 'group') continue;
      const found = visit(m.id);
      if (found) return found;
    }
    stack.pop();
    onStack.delete(id);
    done.add(id);
    return null;
  };
  for (const id of startIds ?? tableKeys(groups)) {
    const found = visit(id);
    if (found) return found;
  }
  return null;
}
