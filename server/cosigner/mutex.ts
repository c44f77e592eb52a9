/**
 * Serialises async critical sections. A PKCS#11 session is not thread safe, and although Node
 * runs one JS thread, pkcs11js's *Async calls run on the libuv pool and awaits interleave: an
 * EncryptInit from one request must never meet the Decrypt of another on the same session.
 */
export class AsyncMutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(critical: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(critical);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
