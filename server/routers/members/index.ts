import { router } from '../../trpc';
import { changeRole } from './changeRole';
import { deactivate } from './deactivate';
import { list } from './list';
import { reactivate } from './reactivate';

export const membersRouter = router({ list, changeRole, deactivate, reactivate });
