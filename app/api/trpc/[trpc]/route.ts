import { getConfig } from '@/server/config';
import { getCoSigner } from '@/server/cosigner-instance';
import { getDb } from '@/server/db';
import { createTrpcHandler } from '@/server/http/trpc-handler';

export const dynamic = 'force-dynamic';

const handler = createTrpcHandler({ getDb, getConfig, getCoSigner });
export { handler as GET, handler as POST };
