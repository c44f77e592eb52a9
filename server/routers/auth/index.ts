import { router } from '../../trpc';
import { me } from './me';
import { signinFinish } from './signinFinish';
import { signinStart } from './signinStart';
import { signout } from './signout';
import { signupFinish } from './signupFinish';
import { signupStart } from './signupStart';

export const authRouter = router({ signupStart, signupFinish, signinStart, signinFinish, signout, me });
