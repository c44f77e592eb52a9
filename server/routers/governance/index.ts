import { router } from '../../trpc';
import { approvalOptions, approve, cancel, reject } from './decide';
import { get, list } from './list';

export const governanceRouter = router({ list, get, approvalOptions, approve, reject, cancel });
