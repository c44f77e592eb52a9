/** One line per change request, for lists, notifications and the audit view. */
import type { GovernanceRequest } from './governance';

export function describeGovernance(r: Pick<GovernanceRequest, 'kind' | 'payload'>): string {
  const p = r.payload as Record<string, string | number | null>;
  switch (r.kind) {
    case 'policy_change':
      return `Activate policy version ${p.version}`;
    case 'whitelist_add':
      return `Whitelist ${p.address} as “${p.label}”${Number(p.coolingOffHours) > 0 ? ` (usable ${p.coolingOffHours} h after approval)` : ''}`;
    case 'whitelist_remove':
      return `Remove ${p.address} from the whitelist`;
    case 'member_change':
      return `Make ${p.apiKeyId ? 'API key ' : ''}${p.name} ${p.to === 'approver' ? 'an approver' : `an ${p.to}`}${p.from ? ` (now ${p.from})` : ''}`;
  }
}
