/** One readable line per audit event type; unknown types fall back to their raw payload. */
type Payload = Record<string, unknown>;

const DEVICE_TYPES: Record<string, string> = { singleDevice: 'bound to one device', multiDevice: 'synced across devices' };
const who = (p: Payload) => (typeof p.email === 'string' ? `${p.email}: ` : '');

const DESCRIBE: Record<string, (p: Payload) => string> = {
  'org.created': (p) => `Organisation “${p.name}” created`,
  'member.joined': (p) => `${p.email} joined as ${p.role}${p.via === 'invite' ? ' (invite)' : ''}`,
  'member.role_changed': (p) => `${who(p)}role changed from ${p.from} to ${p.to}`,
  'member.deactivated': (p) => `${who(p)}deactivated; ${p.sessionsRevoked} session(s) ended`,
  'member.reactivated': (p) => `${who(p)}reactivated`,
  'member.reenrol_invited': (p) => `${who(p)}re-enrolment invite issued`,
  'member.reenrolled': (p) => `Re-enrolled with a new passkey; ${p.passkeysRevoked} old passkey(s) revoked`,
  'invite.created': (p) => `Invited ${p.email} as ${p.role}`,
  'invite.revoked': () => 'Invite revoked',
  'passkey.added': (p) => `Passkey registered (${DEVICE_TYPES[String(p.deviceType)] ?? String(p.deviceType)})`,
  'passkey.removed': () => 'Passkey removed',
  'session.signed_in': () => 'Signed in with a passkey',
  'session.signed_out': () => 'Signed out',
  'session.signin_denied': (p) => `Sign-in refused: ${p.reason}`,
  'wallet.created': (p) => `Wallet “${p.name ?? ''}” created`,
  'transfer.created': (p) => `Transfer requested: ${outputs(p)} (policy v${p.policyVersion ?? '?'}: ${p.decision ?? ''})`,
  'transfer.bump_created': (p) => `Fee bump requested: ${outputs(p)}`,
  'transfer.denied': (p) => `Transfer refused by policy v${p.policyVersion}: ${(p.explanation as string[] | undefined)?.join(' ') ?? ''}`,
  'transfer.submitted': (p) => `Draft submitted for approval (policy v${p.policyVersion})`,
  'transfer.approval_added': (p) => `Signed approval recorded${Array.isArray(p.missing) && p.missing.length ? `; still missing: ${(p.missing as string[]).join('; ')}` : ''}`,
  'transfer.approved': (p) => (p.by === 'policy' ? 'Approved outright by the policy' : 'Approval quorum complete'),
  'transfer.rejected': () => 'Transfer rejected (signed)',
  'transfer.cancelled': () => 'Transfer cancelled by its initiator',
  'transfer.expired': () => 'Transfer expired without enough approvals',
  'transfer.key_released': () => 'Encrypted Key #1 sent to the signer’s browser',
  'transfer.cosigned': (p) => `Co-signed by the HSM (txid ${String(p.txid ?? '').slice(0, 16)}…)`,
  'transfer.cosign_refused': (p) => `Co-signer refused: ${p.reason}`,
  'transfer.broadcast': (p) => `Broadcast (txid ${String(p.txid ?? '').slice(0, 16)}…)`,
  'transfer.confirmed': (p) => `Confirmed at height ${p.height}`,
  'transfer.replaced': () => 'Replaced by a fee bump',
  'transfer.failed': (p) => `Failed: ${p.reason}`,
  'governance.proposed': (p) => `Change proposed: ${String(p.kind).replace('_', ' ')}`,
  'governance.approval_added': () => 'Signed approval of a change recorded',
  'governance.applied': (p) => `Change applied: ${String(p.kind).replace('_', ' ')}`,
  'governance.rejected': (p) => `Change rejected: ${String(p.kind).replace('_', ' ')}`,
  'governance.cancelled': () => 'Change withdrawn by its proposer',
  'governance.expired': () => 'Change expired without enough approvals',
  'policy.activated': (p) => `Policy version ${p.version} in force`,
  'whitelist.added': (p) => `Whitelisted ${p.address} as “${p.label}”`,
  'whitelist.removed': (p) => `Removed ${p.address} (“${p.label}”) from the whitelist`,
  'wallet.member_changed': (p) => `Wallet role: ${p.from ?? 'none'} → ${p.to ?? 'none'}`,
  'group.created': (p) => `Group “${p.name}” created`,
  'group.updated': (p) => `Group “${p.name}” changed`,
  'group.deleted': (p) => `Group “${p.name}” deleted`,
  'webhook.created': (p) => `Webhook added (${p.origin ?? ''})`,
  'webhook.updated': () => 'Webhook changed',
  'webhook.removed': () => 'Webhook removed',
  'webhook.secret_rotated': () => 'Webhook secret rotated',
  'webhook.test_sent': () => 'Webhook test sent',
  'webhook.redelivery_requested': () => 'Webhook redelivery requested',
};

function outputs(p: Payload): string {
  const list = Array.isArray(p.outputs) ? (p.outputs as { address: string; valueSats: string }[]) : [];
  return list.map((o) => `${o.valueSats} sats to ${o.address}`).join(', ');
}

/** The request an event is about, when its signed approvals can be exported for offline checks. */
export function approvalRequestOf(type: string, payload: unknown): { requestKind: 'transfer' | 'governance'; requestId: string } | null {
  const p = (payload ?? {}) as Payload;
  if ((type === 'transfer.approved' || type === 'transfer.rejected') && typeof p.transferId === 'string') return { requestKind: 'transfer', requestId: p.transferId };
  if ((type === 'governance.applied' || type === 'governance.rejected') && typeof p.requestId === 'string') return { requestKind: 'governance', requestId: p.requestId };
  return null;
}

export function describeEvent(type: string, payload: unknown): string {
  const p = (payload ?? {}) as Payload;
  return DESCRIBE[type]?.(p) ?? JSON.stringify(p);
}
