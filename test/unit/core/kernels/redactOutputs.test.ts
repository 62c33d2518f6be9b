// Redaction in the output model: every item and every piece of metadata the model hands to VS Code (and so
// to its ipynb serializer) is clean, for every output type, a value split across stream messages included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CellOutputs, type CellOutput } from '../../../../src/core/kernels/cellOutputs';
import { REDACTED, Redactor } from '../../../../src/core/kernels/redact';
import type { IopubOutput } from '../../../../src/core/kernels/types';

const KEY = 'fake-team-key-for-tests';
const OTHER = 'p@ss&w<o>rd"2';
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const STDOUT = 'application/vnd.code.notebook.stdout';

const out = (text: string, name: 'stdout' | 'stderr' = 'stdout'): IopubOutput => ({
  type: 'stream',
  name,
  text,
});
const decode = (data: Uint8Array | undefined): string => new TextDecoder().decode(data ?? new Uint8Array());

function redacting(options = {}, values = [KEY, OTHER]): CellOutputs {
  const model = new CellOutputs(options);
  model.setRedactor(new Redactor(values));
  return model;
}

/** Every byte of every item and the whole metadata of the outputs, as one text to search. */
function everything(outputs: readonly CellOutput[]): string {
  return outputs
    .map(
      (o) =>
        `${o.items.map((item) => `${item.mime}\n${decode(item.data)}`).join('\n')}\n${JSON.stringify(o.metadata)}`,
    )
    .join('\n');
}

function assertClean(outputs: readonly CellOutput[], values = [KEY, OTHER]): void {
  const all = everything(outputs);
  for (const value of values) {
    assert.equal(all.includes(value), false, `no ${JSON.stringify(value)} in ${all}`);
    assert.equal(all.includes(JSON.stringify(value).slice(1, -1)), false, 'nor its JSON form');
  }
  assert.ok(all.includes(REDACTED), `${REDACTED} is there: ${all}`);
}

test('a value in a stream is redacted, in stdout and stderr', () => {
  const m = redacting();
  m.push('c', out(`key: ${KEY}\n`));
  m.push('c', out(`bad ${OTHER}\n`, 'stderr'));
  const outputs = m.outputs('c');
  assert.equal(decode(outputs[0]?.items[0]?.data), `key: ${REDACTED}\n`);
  assert.equal(decode(outputs[1]?.items[0]?.data), `bad ${REDACTED}\n`);
});

test('a value split across stream messages is redacted in the accumulated text', () => {
  const m = redacting();
  m.push('c', out(KEY.slice(0, 5)));
  // `print(k[:5], end='')` so far: the start of a value is held back rather than shown.
  assert.equal(decode(m.outputs('c')[0]?.items[0]?.data), '');
  m.push('c', out(`${KEY.slice(5)}\n`));
  assert.equal(decode(m.outputs('c')[0]?.items[0]?.data), `${REDACTED}\n`);
  // Split into single characters, each its own message, with flushes in between.
  const n = redacting();
  n.push('c', out('before '));
  n.takeEdits();
  for (const char of KEY) {
    n.push('c', out(char));
    for (const edit of n.takeEdits().flatMap((cell) => cell.edits)) {
      const items = edit.kind === 'replaceItems' ? edit.items : edit.outputs.flatMap((o) => o.items);
      for (const item of items) assert.equal(decode(item.data).includes('fake-t'), false, decode(item.data));
    }
  }
  n.push('c', out(' after\n'));
  assert.equal(decode(n.outputs('c')[0]?.items[0]?.data), `before ${REDACTED} after\n`);
});

test('held-back text shows once the run settles or another output follows', () => {
  const m = redacting();
  m.push('c', out('starts like fake-te'));
  assert.equal(decode(m.outputs('c')[0]?.items[0]?.data), 'starts like ');
  m.takeEdits();
  m.settle('c');
  const edits = m.takeEdits().flatMap((cell) => cell.edits);
  assert.deepEqual(
    edits.map((e) => e.kind),
    ['replaceItems'],
  );
  assert.equal(decode(m.outputs('c')[0]?.items[0]?.data), 'starts like fake-te');
  const n = redacting();
  n.push('c', out('ends with fake'));
  n.push('c', out('other stream', 'stderr'));
  assert.equal(decode(n.outputs('c')[0]?.items[0]?.data), 'ends with fake');
  // Fewer than 4 bytes of a value say nothing about it: shown at once.
  const o = redacting();
  o.push('c', out('ends with fak'));
  assert.equal(decode(o.outputs('c')[0]?.items[0]?.data), 'ends with fak');
});

test('a long stream is redacted across the settled part and the fresh tail', () => {
  const m = redacting();
  const lines: string[] = [];
  for (let i = 0; i < 2000; i += 1) {
    const line = i % 97 === 0 ? `${i} ${KEY} ${OTHER}\n` : `${i} ordinary line\n`;
    lines.push(line);
    // The value straddles two messages here and there.
    const cut = i % 5;
    m.push('c', out(line.slice(0, cut)));
    m.push('c', out(line.slice(cut)));
    if (i % 10 === 0) m.takeEdits();
  }
  const expected = lines.join('').replaceAll(KEY, REDACTED).replaceAll(OTHER, REDACTED);
  assert.equal(decode(m.outputs('c')[0]?.items[0]?.data), expected);
});

test('however the kernel chunks a stream, the output equals the redacted whole text', () => {
  // A multi-line value (a PEM key) and values that overlap each other, in text cut at pseudo-random points.
  const pem = '-----BEGIN KEY-----\nMIIEvQIBADANBg\nkqhkiG9w0BAQEF\n-----END KEY-----';
  const values = [KEY, OTHER, pem, 'tests-and-more'];
  const text = Array.from({ length: 300 }, (_, i) =>
    i % 7 === 0
      ? `${i}: ${KEY}-and-more ${pem}\n`
      : i % 11 === 0
        ? `${i}: ${OTHER}${OTHER}\n`
        : `${i}: plain\n`,
  ).join('');
  const expected = new Redactor(values).redact(text);
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 20; round += 1) {
    const m = redacting({}, values);
    for (let at = 0; at < text.length;) {
      const size = 1 + Math.floor(next() * (round < 10 ? 8 : 400));
      m.push('c', out(text.slice(at, at + size)));
      at += size;
      if (next() < 0.3) m.takeEdits();
    }
    assert.equal(decode(m.outputs('c')[0]?.items[0]?.data), expected, `round ${round}`);
  }
  assert.ok(!expected.includes('BEGIN KEY') && expected.includes(REDACTED));
});

test('a value whose line is rewritten by \\r and \\b is redacted as the line now shows', () => {
  const m = redacting();
  m.push('c', out('progress 10%\rprogress 20%\r'));
  m.push('c', out(`done: ${KEY}  \n`));
  assert.equal(decode(m.outputs('c')[0]?.items[0]?.data), `done: ${REDACTED}  \n`);
  const n = redacting();
  n.push('c', out(`${KEY}X\b\n`));
  assert.equal(decode(n.outputs('c')[0]?.items[0]?.data), `${REDACTED}\n`);
});

test('a value cut by the byte limit is redacted at the cut, before the truncation notice', () => {
  const m = redacting({ maxTextBytes: 20 });
  m.push('c', out(`0123456789 ${KEY} and more\n`));
  const text = decode(m.outputs('c')[0]?.items[0]?.data);
  assert.match(text, /^0123456789 \[REDACTED\]\n… output truncated/);
  assert.equal(text.includes('fake'), false);
});

test('display_data: text/plain, HTML, Markdown, SVG, JSON and +json are redacted; PNG is left alone', () => {
  const m = redacting();
  m.push('c', {
    type: 'display_data',
    data: {
      'text/plain': `'${KEY}'`,
      'text/html': `<td>${OTHER.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</td>`,
      'text/markdown': [`**${KEY.slice(0, 9)}`, `${KEY.slice(9)}**`],
      'image/svg+xml': `<svg><text>${KEY}</text></svg>`,
      'application/json': { [KEY]: [KEY, { nested: `x ${OTHER} y` }], n: 1 },
      'application/vnd.custom+json': { key: KEY },
      'image/png': PNG_BASE64,
    },
    metadata: { note: KEY, 'image/png': { width: 1 } },
    displayId: undefined,
  });
  const [output] = m.outputs('c');
  assert.ok(output);
  assertClean([output]);
  const item = (mime: string) => output.items.find((i) => i.mime === mime);
  assert.equal(decode(item('text/plain')?.data), `'${REDACTED}'`);
  assert.equal(decode(item('text/markdown')?.data), `**${REDACTED}**`, 'a list of lines is one text');
  assert.deepEqual(JSON.parse(decode(item('application/json')?.data)), {
    [REDACTED]: [REDACTED, { nested: `x ${REDACTED} y` }],
    n: 1,
  });
  assert.deepEqual(item('image/png')?.data, Uint8Array.from(Buffer.from(PNG_BASE64, 'base64')));
  assert.deepEqual(output.metadata['metadata'], { note: REDACTED, 'image/png': { width: 1 } });
});

test('execute_result is redacted with its metadata; a number holding a value becomes the marker', () => {
  const m = redacting({}, [KEY, '12345678']);
  m.push('c', {
    type: 'execute_result',
    data: { 'text/plain': `{'key': '${KEY}'}`, 'application/json': { pin: 12345678, other: 7 } },
    metadata: { source: `${KEY}` },
    executionCount: 3,
    displayId: undefined,
  });
  const [output] = m.outputs('c');
  assert.ok(output);
  assertClean([output], [KEY]);
  assert.equal(output.metadata['executionCount'], 3);
  const json = output.items.find((i) => i.mime === 'application/json');
  assert.deepEqual(JSON.parse(decode(json?.data)), { pin: REDACTED, other: 7 });
});

test('update_display_data is redacted, with new metadata too, in whichever cell shows the display', () => {
  const m = redacting();
  m.push('a', { type: 'display_data', data: { 'text/plain': 'waiting' }, metadata: {}, displayId: 'd1' });
  m.takeEdits();
  m.push('b', {
    type: 'update_display_data',
    data: { 'text/plain': `now ${KEY}`, 'text/html': `<b>${KEY}</b>` },
    metadata: { why: OTHER },
    displayId: 'd1',
  });
  const edits = m.takeEdits();
  assert.equal(edits[0]?.cellKey, 'a');
  assertClean(m.outputs('a'));
  assert.equal(
    decode(m.outputs('a')[0]?.items.find((i) => i.mime === 'text/plain')?.data),
    `now ${REDACTED}`,
  );
});

test('an error: its item and the originalError metadata the serializer saves are both redacted', () => {
  const m = redacting();
  m.push('c', {
    type: 'error',
    ename: 'KeyError',
    evalue: `'${KEY}'`,
    traceback: [
      '\u001b[0;31m---------------------------------------------------------------------------\u001b[0m',
      `\u001b[0;32m<ipython-input-1>\u001b[0m in \u001b[0;36m<module>\u001b[0;34m\u001b[0m\n\u001b[0;31mkey = '${KEY}'`,
      `\u001b[0;31mKeyError\u001b[0m: '${KEY}'`,
    ],
  });
  const [output] = m.outputs('c');
  assert.ok(output);
  assertClean([output]);
  const payload = JSON.parse(decode(output.items[0]?.data)) as {
    name: string;
    message: string;
    stack: string;
  };
  assert.equal(payload.message, `'${REDACTED}'`);
  assert.ok(payload.stack.endsWith(`KeyError\u001b[0m: '${REDACTED}'`), payload.stack);
  const original = output.metadata['originalError'] as { evalue: string; traceback: string[] };
  assert.equal(original.evalue, `'${REDACTED}'`);
  assert.equal(original.traceback.length, 3, 'the traceback keeps its entries');
});

test('without values the model gives exactly what it gives with no redactor', () => {
  const pushes: IopubOutput[] = [
    out(`plain ${KEY}\n`),
    out('fake-te'),
    {
      type: 'display_data',
      data: { 'text/plain': KEY, 'image/png': PNG_BASE64 },
      metadata: {},
      displayId: 'x',
    },
    { type: 'error', ename: 'E', evalue: KEY, traceback: [KEY] },
  ];
  const plain = new CellOutputs();
  const none = new CellOutputs();
  none.setRedactor(Redactor.none);
  const short = redacting({}, ['', 'abc']);
  for (const output of pushes) for (const m of [plain, none, short]) m.push('c', output);
  const strip = (outputs: CellOutput[]) => outputs.map(({ items, metadata }) => ({ items, metadata }));
  assert.deepEqual(strip(none.outputs('c')), strip(plain.outputs('c')));
  assert.deepEqual(strip(short.outputs('c')), strip(plain.outputs('c')));
  assert.ok(everything(plain.outputs('c')).includes(KEY));
});

test('a redactor set later applies to later outputs and to a stream still growing', () => {
  const m = new CellOutputs();
  m.push('c', out(`early ${KEY}\n`));
  m.push('c', { type: 'display_data', data: { 'text/plain': KEY }, metadata: {}, displayId: undefined });
  m.push('d', out(`growing ${KEY}\n`));
  m.setRedactor(new Redactor([KEY]));
  // Made before the values were known: the adapter sets the redactor before any cell runs for this reason.
  assert.equal(decode(m.outputs('c')[1]?.items[0]?.data), KEY);
  m.push('d', out('more\n'));
  assert.equal(decode(m.outputs('d')[0]?.items[0]?.data), `growing ${REDACTED}\nmore\n`);
  m.push('c', { type: 'display_data', data: { 'text/plain': KEY }, metadata: {}, displayId: undefined });
  assert.equal(decode(m.outputs('c')[2]?.items[0]?.data), REDACTED);
});

test('1 MB of stream with 5 values, flushed after every message, stays fast', (t) => {
  const values = Array.from({ length: 5 }, (_, i) => `sk-${i}-${'0123456789abcdef'.repeat(2)}-${i}`);
  const line = (i: number) =>
    i % 50 === 0 ? `row ${i}: ${values[i % 5]}\n` : `row ${i}: nothing to see in this line of output\n`;
  const run = (redactor: Redactor) => {
    const m = new CellOutputs();
    m.setRedactor(redactor);
    const started = performance.now();
    let bytes = 0;
    // 1000 messages of about 1 kB: the adapter flushes every 100 ms, so this is far more often than it would.
    for (let row = 0; bytes < 1_000_000;) {
      let chunk = '';
      while (chunk.length < 1000) chunk += line((row += 1));
      m.push('c', out(chunk));
      bytes += chunk.length;
      m.takeEdits();
    }
    return { ms: performance.now() - started, text: decode(m.outputs('c')[0]?.items[0]?.data) };
  };
  const redacted = run(new Redactor(values));
  const plain = run(Redactor.none);
  t.diagnostic(
    `1 MB, 5 values, ~1000 flushes: ${redacted.ms.toFixed(0)} ms (no values: ${plain.ms.toFixed(0)} ms)`,
  );
  for (const value of values) assert.equal(redacted.text.includes(value), false);
  assert.ok(redacted.text.includes(REDACTED));
  assert.equal(redacted.text.length > 900_000, true);
  // Generous: the copies VS Code needs cost as much; a rescan of everything per flush would be far slower.
  assert.ok(redacted.ms < 5000, `${redacted.ms} ms`);
  const stdout = new CellOutputs();
  stdout.push('c', out('x'));
  assert.equal(stdout.outputs('c')[0]?.items[0]?.mime, STDOUT);
});
