import { router } from '../../trpc';
import { create } from './create';
import { list } from './list';
import { revoke } from './revoke';
import { setSigningKey } from './setSigningKey';

export const apiKeysRouter = router({ list, create, revoke, setSigningKey });
