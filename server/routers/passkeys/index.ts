import { router } from '../../trpc';
import { addFinish } from './addFinish';
import { addStart } from './addStart';
import { list } from './list';
import { remove } from './remove';

export const passkeysRouter = router({ list, addStart, addFinish, remove });
