import { router } from '../../trpc';
import { bump } from './bump';
import { create } from './create';
import { approve, cancel, reject } from './decide';
import { list } from './list';
import { signingData, submitSignature } from './sign';

export const transfersRouter = router({ create, bump, list, approve, reject, cancel, signingData, submitSignature });
