// The provider's copy (Duplicate, the Explorer's copy and paste): into a free name by the server's own copy;
// over an existing file only when told to overwrite, then by writing the source's bytes over it; a teammate's
// notebook copies into the home too; anything into a teammate's folder is refused.
import { codeOf, fake, hubnb, makeFileSystem, text } from '../../support/hubnbFixture';

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

beforeEach(() => fake.reset());

test('copies to a free name, and over an existing file only with overwrite', async () => {
  const { provider, contents } = makeFileSystem();
  await provider.copy(hubnb('/me/analysis.ipynb'), hubnb('/me/analysis-Copy1.ipynb'), { overwrite: false });
  assert.equal(text(contents.files.get('analysis-Copy1.ipynb')?.bytes ?? new Uint8Array()), '{"mine":1}');
  const target = hubnb('/me/folder/inner.ipynb');
  assert.equal(
    await codeOf(provider.copy(hubnb('/me/analysis.ipynb'), target, { overwrite: false })),
    'FileExists',
  );
  assert.equal(
    text(contents.files.get('folder/inner.ipynb')?.bytes ?? new Uint8Array()),
    '{"inner":1}',
    'unchanged',
  );
  await provider.copy(hubnb('/me/analysis.ipynb'), target, { overwrite: true });
  assert.equal(
    text(contents.files.get('folder/inner.ipynb')?.bytes ?? new Uint8Array()),
    '{"mine":1}',
    'replaced',
  );
});

test("a teammate's notebook copies into the home; nothing copies into a teammate's folder", async () => {
  const { provider, contents } = makeFileSystem();
  await provider.copy(hubnb('/team/bob/analysis.ipynb'), hubnb('/me/bobs.ipynb'), { overwrite: false });
  assert.equal(text(contents.files.get('bobs.ipynb')?.bytes ?? new Uint8Array()), '{"bob":1}');
  assert.equal(
    await codeOf(
      provider.copy(hubnb('/me/analysis.ipynb'), hubnb('/team/bob/mine.ipynb'), { overwrite: true }),
    ),
    'NoPermissions',
  );
});
