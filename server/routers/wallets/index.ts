import { router } from '../../trpc';
import { addresses } from './addresses';
import { confirmKeycard } from './confirmKeycard';
import { createFinish } from './createFinish';
import { createStart } from './createStart';
import { get } from './get';
import { list } from './list';
import { newAddress } from './newAddress';

export const walletsRouter = router({ list, get, createStart, createFinish, confirmKeycard, addresses, newAddress });
