import { router } from '../../trpc';
import { acceptFinish } from './acceptFinish';
import { acceptStart } from './acceptStart';
import { create } from './create';
import { list } from './list';
import { lookup } from './lookup';
import { reenrol } from './reenrol';
import { revoke } from './revoke';

export const invitesRouter = router({ create, reenrol, list, revoke, lookup, acceptStart, acceptFinish });
