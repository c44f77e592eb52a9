import { router } from '../../trpc';
import { addresses } from './addresses';
import { confirmKeycard } from './confirmKeycard';
import { createFinish } from './createFinish';
import { createStart } from './createStart';
import { exportWallet } from './export';
import { get } from './get';
import { list } from './list';
import { newAddress } from './newAddress';
import { balance } from './balance';
import { faucet } from './faucet';
import { sync } from './sync';
import { transactions } from './transactions';

export const walletsRouter = router({ list, get, createStart, createFinish, confirmKeycard, addresses, newAddress, balance, transactions, sync, faucet, export: exportWallet });
