/** Role vocabularies shared by server and UI. */
import { z } from 'zod';

export const ORG_ROLES = ['admin', 'member', 'auditor'] as const;
export const OrgRoleSchema = z.enum(ORG_ROLES);
export type OrgRole = z.infer<typeof OrgRoleSchema>;

export const WALLET_ROLES = ['approver', 'initiator', 'viewer'] as const;
export const WalletRoleSchema = z.enum(WALLET_ROLES);
export type WalletRole = z.infer<typeof WalletRoleSchema>;

export const ORG_ROLE_LABELS: Record<OrgRole, { label: string; description: string }> = {
  admin: { label: 'Admin', description: 'Manages members, roles and organisation settings.' },
  member: { label: 'Member', description: 'Works with the wallets they are granted access to.' },
  auditor: { label: 'Auditor', description: 'Read-only access to the audit log and its verification.' },
};
