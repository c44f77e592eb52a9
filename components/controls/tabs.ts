/** The controls page's tabs; a plain module so the server page can read ?tab= against it. */
export const CONTROL_TABS = ['policy', 'requests', 'whitelist', 'members'] as const;
export type ControlTab = (typeof CONTROL_TABS)[number];

export const TAB_LABELS: Record<ControlTab, string> = { policy: 'Policy', requests: 'Change requests', whitelist: 'Whitelist', members: 'Members' };
