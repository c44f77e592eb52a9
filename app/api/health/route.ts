import { sql } from 'drizzle-orm';
import { getDbHandle } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Liveness + database reachability, for load balancers and the test harness. */
export async function GET() {
  try {
    const handle = await getDbHandle();
    await handle.db.execute(sql`select 1`);
    return Response.json({ ok: true, db: handle.engine }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    console.error('[health]', error);
    return Response.json({ ok: false }, { status: 503 });
  }
}
