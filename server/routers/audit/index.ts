import { router } from '../../trpc';
import { approvalProofs } from './approvalProofs';
import { exportChain } from './export';
import { list } from './list';
import { verify } from './verify';

export const auditRouter = router({ list, verify, export: exportChain, approvalProofs });
