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
};

export function describeEvent(type: string, payload: unknown): string {
  const p = (payload ?? {}) as Payload;
  return DESCRIBE[type]?.(p) ?? JSON.stringify(p);
}
