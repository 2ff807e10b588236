/** A new Idempotency-Key for one creating request (a retry of the same submission reuses it). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
