import { router } from '../../trpc';
import { bump } from './bump';
import { create } from './create';
import { approvalOptions, approve, cancel, reject } from './decide';
import { get, list } from './list';
import { signingData, submitSignature } from './sign';
import { submit } from './submit';

export const transfersRouter = router({ create, submit, bump, list, get, approvalOptions, approve, reject, cancel, signingData, submitSignature });
