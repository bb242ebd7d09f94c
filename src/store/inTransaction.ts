import type { Pool, PoolClient } from 'pg';

/** Runs `work` on one connection of `pool` inside `begin` ... COMMIT, rolled back if it throws. */
export async function inTransaction<T>(pool: Pool, begin: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // The server can end the connection while it is checked out (a restart, pg_terminate_backend): node-postgres then
  // emits 'error' on the client, which pg-pool only listens for while the client is idle, so unheard it would end the
  // process. The query in flight (or the next one) fails with the reason; this only keeps the connection out of the pool.
  const onError = (error: Error): void => void (broken ??= error);
  client.on('error', onError);
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      // The connection is gone or unusable: the pool must not hand it out again.
      broken ??= rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
