// ServerStates: what is known of each hub's server. Something that looked before a change (a listing, an
// operation still out when the server was started) reports with the mark it took, and does not undo the change.
// First: it installs the fake vscode module that the source below imports.
import { fake } from '../../support/authFixture';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { ServerStates } from '../../../../src/vscode/hub/serverStates';
import { hubUrl } from '../../../support/hubUrls';

beforeEach(() => fake.reset());

const A = hubUrl('http://127.0.0.2:8000');
const B = hubUrl('http://127.0.0.3:8000');

test('a report marked before a change is ignored; one marked after it, or unmarked, is recorded', () => {
  const states = new ServerStates();
  const fired: string[] = [];
  states.onDidChange((all) => fired.push(JSON.stringify([...all])));
  const listingBegan = states.mark();
  states.set(A, 'running'); // the server was started while the listing was out
  states.set(A, 'stopped', listingBegan); // the listing's late answer
  assert.equal(states.get(A), 'running');
  const later = states.mark();
  states.set(A, 'stopped', later);
  assert.equal(states.get(A), 'stopped');
  states.set(B, 'running');
  assert.equal(states.get(B), 'running');
  assert.deepEqual(fired.length, 3, 'one event per change, none for the ignored report');
  states.dispose();
});

test('a change on another hub does not make a report stale', () => {
  const states = new ServerStates();
  const listingOfA = states.mark();
  states.set(B, 'running'); // hub B's listing answered first
  states.set(A, 'stopped', listingOfA);
  assert.equal(states.get(A), 'stopped');
  states.dispose();
});

test('forgetting every hub counts as a change for reports marked before it', () => {
  const states = new ServerStates();
  states.set(A, 'running');
  const began = states.mark();
  states.clear();
  states.set(A, 'stopped', began);
  assert.equal(states.get(A), undefined);
  states.dispose();
});
