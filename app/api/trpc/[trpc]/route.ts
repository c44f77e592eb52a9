import { handleTrpc } from '@/server/http/trpc-handler';

export const dynamic = 'force-dynamic';
export { handleTrpc as GET, handleTrpc as POST };
