import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as z from 'zod/mini';
import { lazySchema } from '../../../src/core/lazySchema';

test('the schema is built on first use, once', () => {
  let builds = 0;
  const schema = lazySchema(() => {
    builds++;
    return z.object({ name: z.string() });
  });
  assert.equal(builds, 0, 'nothing is built before first use');
  assert.deepEqual(schema.parse({ name: 'alice' }), { name: 'alice' });
  assert.equal(schema.safeParse({ name: 1 }).success, false);
  assert.equal(builds, 1);
});

test('a lazy schema works inside other schemas, in z.pick and z.extend, and with instanceof', () => {
  const user = lazySchema(() => z.object({ name: z.string(), admin: z.boolean() }));
  const list = lazySchema(() => z.array(user));
  assert.deepEqual(list.parse([{ name: 'bob', admin: false }]), [{ name: 'bob', admin: false }]);
  assert.equal(list.safeParse([{ name: 'bob' }]).success, false);
  assert.deepEqual(z.pick(user, { name: true }).parse({ name: 'carol', admin: 'dropped' }), {
    name: 'carol',
  });
  const extended = z.extend(user, { team: z.string() });
  assert.equal(extended.safeParse({ name: 'dave', admin: true }).success, false);
  assert.ok(user instanceof z.ZodMiniObject);
  assert.ok('_zod' in user);
});
