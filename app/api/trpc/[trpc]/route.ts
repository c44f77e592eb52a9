import { getConfig } from '@/server/config';
import { getBitcoinChain } from '@/server/chain-instance';
import { getCoSigner } from '@/server/cosigner-instance';
import { getDb } from '@/server/db';
import { createTrpcHandler } from '@/server/http/trpc-handler';

export const dynamic = 'force-dynamic';

const handler = createTrpcHandler({ getDb, getConfig, getCoSigner, getChain: getBitcoinChain });
export { handler as GET, handler as POST };
