import { expect } from "vitest";

/** Awaits a rejected SDK call and checks its wire error name and exact message. */
export async function expectError(
  p: Promise<unknown>,
  name: string,
  message?: string | RegExp,
): Promise<void> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${name}`).toBeInstanceOf(Error);
  const e = err as Error & { $metadata?: { httpStatusCode?: number } };
  expect(e.name).toBe(name);
  if (message instanceof RegExp) expect(e.message).toMatch(message);
  else if (message !== undefined) expect(e.message).toBe(message);
}
