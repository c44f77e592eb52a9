import { router } from '../../trpc';
import { overview } from './overview';

export const orgRouter = router({ overview });
