import { router } from '../../trpc';
import { create } from './create';
import { deliveries } from './deliveries';
import { list } from './list';
import { redeliver } from './redeliver';
import { remove } from './remove';
import { rotateSecret } from './rotateSecret';
import { test } from './test';
import { update } from './update';

export const webhooksRouter = router({ list, create, update, remove, rotateSecret, deliveries, redeliver, test });
