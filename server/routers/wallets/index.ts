import { router } from '../../trpc';
import { list } from './list';

export const walletsRouter = router({ list });
