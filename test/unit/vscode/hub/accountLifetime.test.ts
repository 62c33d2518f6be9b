// AccountLifetime: an account's connections, closed with the reason when the account ends, and only then.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccountLifetime } from '../../../../src/vscode/hub/accountLifetime';

function connection(name: string, closed: string[]) {
  return { close: (reason: string) => void closed.push(`${name}:${reason}`) };
}

test('ending an account closes its open connections with the reason, once, and disposes the rest', () => {
  const closed: string[] = [];
  const lifetime = new AccountLifetime('hub|alice');
  let disposed = 0;
  lifetime._register({ dispose: () => void disposed++ });
  lifetime.track(connection('a1', closed));
  const untrack = lifetime.track(connection('a2', closed));
  untrack();
  assert.equal(lifetime.openConnections, 1);
  assert.equal(lifetime.end('signed out'), 1);
  assert.deepEqual(closed, ['a1:signed out']);
  assert.equal(disposed, 1);
  assert.equal(lifetime.end('again'), 0, 'an account ends once');
  assert.deepEqual(closed, ['a1:signed out']);
});

test('a connection tracked after the account ended is closed at once', () => {
  const closed: string[] = [];
  const lifetime = new AccountLifetime('hub|alice');
  lifetime.end('signed out');
  lifetime.track(connection('late', closed));
  assert.deepEqual(closed, ['late:signed out']);
});
