/**
 * A schema (or any object) built on first use rather than when its module is evaluated: building zod schemas
 * is most of what evaluating the core costs, and activation needs almost none of them. The value stands in for
 * the built object: every property read, `in` check and `instanceof` goes to it, built once on the first.
 * Own-key listing is not forwarded (zod never lists a schema's keys); nothing else needs to change at the
 * use sites, and `z.infer<typeof schema>` keeps working.
 */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const target = (): T => (built ??= build());
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(target(), key, target()) as unknown,
    set: (_, key, value) => Reflect.set(target(), key, value),
    has: (_, key) => Reflect.has(target(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(target()),
  });
}
