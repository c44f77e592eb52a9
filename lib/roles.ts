/**
 * Role vocabularies shared by server and UI. Plain constants on purpose: the browser bundle
 * imports this file, and zod (≈30 kB gzip) must stay out of it; schemas live in lib/schemas.ts.
 */
export const ORG_ROLES = ['admin', 'member', 'auditor'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export const WALLET_ROLES = ['approver', 'initiator', 'viewer'] as const;
export type WalletRole = (typeof WALLET_ROLES)[number];

export const ORG_ROLE_LABELS: Record<OrgRole, { label: string; description: string }> = {
  admin: { label: 'Admin', description: 'Manages members, roles and organisation settings.' },
  member: { label: 'Member', description: 'Works with the wallets they are granted access to.' },
  auditor: { label: 'Auditor', description: 'Read-only access to the audit log and its verification.' },
};
