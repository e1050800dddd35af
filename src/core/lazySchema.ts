/**
 * A zod schema built on its first use instead of when its module loads. zod is not in the bundle
 * activation loads (esbuild.mjs LAZY_PACKAGES): building schemas at module level would load and
 * initialise it (≈ 20 ms and 190 KB) on every activation, even when only #SBATCH completion is used.
 * Define module-level schemas as `lazySchema(() => z.object({...}))`; the value behaves as the schema
 * (types, methods, instanceof, use inside other schemas). test/unit/activation-lazy.test.ts checks
 * that evaluating the bundle loads no zod.
 */
export function lazySchema<T extends object>(build: () => T): T {
  let real: T | undefined;
  const schema = (): T => (real ??= build());
  // Methods bound once per name, so a hot `.parse` costs a map lookup, not a new function per call.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(Object.create(null) as T, {
    get(_, key) {
      const target = schema();
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      let method = bound.get(key);
      if (method === undefined) bound.set(key, (method = (value as (...a: unknown[]) => unknown).bind(target)));
      return method;
    },
    has: (_, key) => Reflect.has(schema(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
    ownKeys: () => Reflect.ownKeys(schema()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(schema(), key);
      return d && { ...d, configurable: true };
    },
  });
}
