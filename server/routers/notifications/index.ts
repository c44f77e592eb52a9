import { router } from '../../trpc';
import { list } from './list';
import { markRead } from './markRead';
import { unreadCount } from './unreadCount';

export const notificationsRouter = router({ list, unreadCount, markRead });
