// The cell output model: iopub messages in, the outputs VS Code shows and the fewest edits to get there out,
// with the bytes, MIME types and metadata VS Code's renderers and ipynb serializer expect, and bounded memory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CellOutputs, type CellOutput, type OutputEdit } from '../../../../src/core/kernels/cellOutputs';
import { formatBytes } from '../../../../src/core/kernels/outputItems';
import type { IopubOutput } from '../../../../src/core/kernels/types';

const STDOUT = 'application/vnd.code.notebook.stdout';
const STDERR = 'application/vnd.code.notebook.stderr';
const TEXT_SETTING = 'hubNotebooks.output.maxTextBytes';
// A real 1×1 PNG, wrapped the way some kernels wrap base64.
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ\nAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\n';

type Bundle = Record<string, unknown>;
type Name = 'stdout' | 'stderr';
const out = (text: string, name: Name = 'stdout'): IopubOutput => ({ type: 'stream', name, text });
const clear = (wait: boolean): IopubOutput => ({ type: 'clear_output', wait });

function display(data: Bundle, displayId?: string, metadata = {}): IopubOutput {
  return { type: 'display_data', data, metadata, displayId };
}

function update(displayId: string, data: Bundle, metadata = {}): IopubOutput {
  return { type: 'update_display_data', data, metadata, displayId };
}

function result(data: Bundle, executionCount: number | null, metadata = {}, displayId?: string): IopubOutput {
  return { type: 'execute_result', data, metadata, executionCount, displayId };
}

function model(pushes: IopubOutput[], options = {}): CellOutputs {
  const outputs = new CellOutputs(options);
  for (const output of pushes) outputs.push('c', output);
  return outputs;
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (data: Uint8Array | undefined): string => new TextDecoder().decode(data ?? new Uint8Array());
/** The text of one item of an output. */
const textOf = (output: CellOutput | undefined, index = 0): string => decode(output?.items[index]?.data);
/** What cell 'c' shows first after these stream texts. */
const shown = (...texts: string[]): string => textOf(model(texts.map((text) => out(text))).outputs('c')[0]);
/** The edit kinds of a flush, e.g. ['append'], to check that a flush is minimal. */
const kinds = (edits: readonly OutputEdit[]): string[] => edits.map((edit) => edit.kind);
const appended = (edits: readonly OutputEdit[]): readonly CellOutput[] =>
  edits[0]?.kind === 'append' ? edits[0].outputs : [];

test('a stream becomes one stdout item with the text as UTF-8 and stream metadata', () => {
  const edits = model([out('héllo\n')]).flush('c');
  assert.deepEqual(kinds(edits), ['append']);
  assert.equal(appended(edits).length, 1);
  assert.deepEqual(appended(edits)[0]?.items, [{ mime: STDOUT, data: encode('héllo\n') }]);
  assert.deepEqual(appended(edits)[0]?.metadata, { outputType: 'stream' });
});

test('stream messages of one name coalesce; stdout, stderr, stdout give three outputs', () => {
  assert.equal(shown('a\n', 'b', 'c\n'), 'a\nbc\n');
  const outputs = model([out('1\n'), out('2\n'), out('3\n', 'stderr'), out('4\n')]).outputs('c');
  const summary = outputs.map((o) => `${o.items[0]?.mime} ${textOf(o)}`);
  assert.deepEqual(summary, [`${STDOUT} 1\n2\n`, `${STDERR} 3\n`, `${STDOUT} 4\n`]);
});

test('a flush after 1000 stream pushes is one append, and after 1000 more one replaceItems', () => {
  const m = model([]);
  for (let i = 0; i < 1000; i += 1) m.push('c', out(`${i}\n`));
  const first = m.flush('c');
  assert.deepEqual(kinds(first), ['append']);
  for (let i = 1000; i < 2000; i += 1) m.push('c', out(`${i}\n`));
  const second = m.flush('c');
  assert.deepEqual(kinds(second), ['replaceItems']);
  assert.ok(second[0]?.kind === 'replaceItems');
  assert.equal(second[0].outputId, appended(first)[0]?.id);
  const lines = decode(second[0].items[0]?.data).split('\n');
  assert.equal(lines.length, 2001);
  assert.equal(lines[1999], '1999');
  assert.deepEqual(m.flush('c'), [], 'nothing new, nothing to do');
});

test('\\r overwrites the line from its start, as a progress bar expects', () => {
  assert.equal(shown('start\n', '  0%', '\r 50%', '\r100%', '\ndone\n'), 'start\n100%\ndone\n');
});

test('\\r keeps the rest of a longer line, even when the new text comes in a later message', () => {
  assert.equal(shown('abcdef\rXY'), 'XYcdef');
  assert.equal(shown('abc\rX', 'Z'), 'XZc');
  assert.equal(shown('abc\r'), 'abc', 'a trailing \\r changes nothing yet');
});

test('\\r\\n is a newline and \\b erases the character before it, as in Jupyter', () => {
  assert.equal(shown('abc\r\ndef\r\n'), 'abc\ndef\n');
  assert.equal(shown('abc\b\bX'), 'aX');
  assert.equal(shown('wait |', '\b/', '\b-', '\b\\'), 'wait \\');
  assert.equal(shown('12%', '\b\b\b13%'), '13%', 'unlike Jupyter, not "1213%"');
  assert.equal(shown('\bx\n😀\b!'), 'x\n!', 'a \\b erases a whole emoji');
});

test('\\b after \\r erases what was written since, showing the old text under it again', () => {
  // Jupyter and VS Code show "cxyz": the z written over the old z is erased, and the old z shows again.
  assert.equal(shown('éa\bxyz\rcxyz\b'), 'cxyz');
  assert.equal(shown('abc\rX\bY'), 'Ybc');
});

test('overwriting half an emoji shows U+FFFD for the other half, and a printed BOM is kept', () => {
  // The BOM line comes in two messages, so that it is built in the line buffer, not encoded at once.
  const output = model([out('😀b\rc\n\ufeffhi'), out('!\n')]).outputs('c')[0];
  assert.equal(textOf(output), 'c\ufffdb\n\ufeffhi!\n');
  assert.equal(output?.items[0]?.data.byteLength, Buffer.byteLength('c\ufffdb\n\ufeffhi!\n'));
});

test('a 900 kB line overwritten 10 000 times after \\r keeps its old tail', () => {
  const m = model([out('x'.repeat(900_000))]);
  for (let i = 0; i < 10_000; i += 1) m.push('c', out(`\r${i}`));
  m.push('c', out('\n'));
  const text = textOf(m.outputs('c')[0]);
  assert.equal(text.length, 900_001);
  assert.ok(text.startsWith('9999xxxx'));
});

test('100 000 progress updates in one output keep only the last state', () => {
  const m = model([]);
  for (let i = 0; i <= 100_000; i += 1) m.push('c', out(`\rprogress ${i}`));
  m.push('c', out('\n'));
  assert.equal(textOf(m.outputs('c')[0]), 'progress 100000\n');
  assert.equal(m.truncation('c').droppedTextBytes, 0);
});

test('display_data keeps every mime type, richest first and text/plain before unknown types', () => {
  const output = model([
    display({
      'application/x-custom': 'custom',
      'text/plain': 'plain',
      'application/json': { a: [1, 2] },
      'image/png': PNG_BASE64,
      'text/markdown': '# md',
      'text/html': '<b>x</b>',
      'text/latex': '$x$',
      'image/svg+xml': '<svg/>',
      'image/jpeg': '/9j/',
      'application/vnd.jupyter.widget-view+json': { model_id: 'm1' },
      'application/javascript': 'alert(1)',
    }),
  ]).outputs('c')[0];
  const expected =
    'application/vnd.jupyter.widget-view+json text/html application/javascript text/latex text/markdown ' +
    'image/png image/svg+xml image/jpeg application/json text/plain application/x-custom';
  assert.equal(output?.items.map((i) => i.mime).join(' '), expected);
  assert.deepEqual(output?.metadata, { outputType: 'display_data', metadata: {} });
});

test('base64 images become their bytes: a real PNG signature, and JPEG bytes exactly', () => {
  const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);
  const bundle = { 'image/png': PNG_BASE64, 'image/jpeg': Buffer.from(jpeg).toString('base64') };
  const [png, jpg] = model([display(bundle)]).outputs('c')[0]?.items ?? [];
  assert.deepEqual([...(png?.data.subarray(0, 8) ?? [])], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.deepEqual(png?.data, Uint8Array.from(Buffer.from(PNG_BASE64.replace(/\s/g, ''), 'base64')));
  assert.equal(png?.data.byteLength, 70);
  assert.deepEqual(jpg?.data, jpeg);
});

test('SVG and other text types are UTF-8 of their text; a string[] is joined; a PDF stays base64', () => {
  const svg = ['<svg xmlns="http://www.w3.org/2000/svg">\n', '<text>é</text>\n', '</svg>'];
  const output = model([display({ 'image/svg+xml': svg, 'application/pdf': 'JVBERi0=' })]).outputs('c')[0];
  assert.equal(textOf(output, 0), svg.join(''));
  // VS Code's serializer saves non-image types as the item's text, so a PDF's base64 must stay text.
  assert.equal(textOf(output, 1), 'JVBERi0=');
});

test('JSON types are UTF-8 of JSON.stringify of the value', () => {
  const plotly = { data: [{ x: [1, 2] }], layout: {} };
  const bundle = { 'application/json': { a: 'é', b: null }, 'application/vnd.plotly.v1+json': plotly };
  const output = model([display(bundle)]).outputs('c')[0];
  assert.equal(output?.items[0]?.mime, 'application/vnd.plotly.v1+json');
  assert.equal(textOf(output, 0), '{"data":[{"x":[1,2]}],"layout":{}}');
  assert.equal(textOf(output, 1), '{"a":"é","b":null}');
});

test('an empty vendor type goes last, so the HTML next to it is shown', () => {
  const bundle = { 'application/vnd.holoviews_load.v0+json': '', 'text/html': '<div/>' };
  const items = model([display(bundle)]).outputs('c')[0]?.items ?? [];
  assert.deepEqual(
    items.map((i) => `${i.mime} ${i.data.byteLength}`),
    ['text/html 6', 'application/vnd.holoviews_load.v0+json 0'],
  );
});

test('execute_result metadata has the count, the Jupyter metadata and the display id as transient', () => {
  const m = model([result({ 'text/plain': '2' }, 7, { 'image/png': { width: 10 } }, 'd1'), result({}, null)]);
  const [first, second] = m.outputs('c');
  assert.deepEqual(first?.metadata, {
    outputType: 'execute_result',
    executionCount: 7,
    metadata: { 'image/png': { width: 10 } },
    transient: { display_id: 'd1' },
  });
  assert.deepEqual(second?.metadata, { outputType: 'execute_result', executionCount: null, metadata: {} });
});

test('an error is {name, message, stack} with the traceback joined by newlines, ANSI kept', () => {
  const traceback = ['\u001b[0;31mZeroDivisionError\u001b[0m  Traceback', '  1/0', 'ZeroDivisionError: x'];
  const error = { ename: 'ZeroDivisionError', evalue: 'division by zero', traceback };
  const output = model([{ type: 'error', ...error }]).outputs('c')[0];
  assert.equal(output?.items[0]?.mime, 'application/vnd.code.notebook.error');
  const stack = traceback.join('\n');
  assert.equal(textOf(output), JSON.stringify({ name: error.ename, message: error.evalue, stack }));
  assert.deepEqual(output?.metadata, {
    outputType: 'error',
    originalError: { output_type: 'error', ...error },
  });
});

test('update_display_data replaces the data in place and never appends', () => {
  const m = model([display({ 'text/plain': 'v1' }, 'd1'), out('x\n')]);
  const id = appended(m.flush('c'))[0]?.id;
  m.push('c', update('d1', { 'text/plain': 'v2' }));
  const items = [{ mime: 'text/plain', data: encode('v2') }];
  assert.deepEqual(m.flush('c'), [{ kind: 'replaceItems', outputId: id, items }]);
  assert.deepEqual(
    m.outputs('c').map((o) => textOf(o)),
    ['v2', 'x\n'],
  );
});

test('update_display_data from cell 2 updates every output with that id, in cell 1 too', () => {
  const m = new CellOutputs();
  m.push('cell1', display({ 'text/plain': 'old' }, 'shared'));
  m.push('cell2', display({ 'text/plain': 'old' }, 'shared'));
  m.push('cell2', display({ 'text/plain': 'other' }, 'other'));
  m.takeEdits();
  m.push('cell2', update('shared', { 'text/plain': 'new', 'text/html': '<i>new</i>' }));
  const edits = m.takeEdits().map((e) => `${e.cellKey} ${kinds(e.edits).join()}`);
  assert.deepEqual(edits, ['cell1 replaceItems', 'cell2 replaceItems']);
  for (const key of ['cell1', 'cell2']) {
    const items = m.outputs(key)[0]?.items.map((i) => `${i.mime} ${decode(i.data)}`);
    assert.deepEqual(items, ['text/html <i>new</i>', 'text/plain new']);
  }
  assert.equal(textOf(m.outputs('cell2')[1]), 'other');
});

test('an update with new metadata replaces the cell, since replaceOutputItems cannot change metadata', () => {
  const m = model([display({ 'image/png': PNG_BASE64 }, 'd', { 'image/png': { width: 1 } })]);
  m.flush('c');
  m.push('c', update('d', { 'image/png': PNG_BASE64 }, { 'image/png': { width: 2 } }));
  const edits = m.flush('c');
  assert.deepEqual(kinds(edits), ['replaceAll']);
  assert.deepEqual(edits[0]?.kind === 'replaceAll' && edits[0].outputs[0]?.metadata, {
    outputType: 'display_data',
    metadata: { 'image/png': { width: 2 } },
    transient: { display_id: 'd' },
  });
});

test('an update for an unknown display id, or one of a reset cell, does nothing', () => {
  const m = new CellOutputs();
  m.push('a', display({ 'text/plain': 'v1' }, 'd'));
  m.takeEdits();
  m.push('b', update('nope', { 'text/plain': 'x' }));
  assert.deepEqual(m.takeEdits(), []);
  m.reset('a');
  m.push('b', update('d', { 'text/plain': 'v2' }));
  assert.deepEqual(m.takeEdits(), []);
  assert.deepEqual([...m.outputs('a'), ...m.outputs('b')], []);
});

test('clear_output(wait=false) clears now: one replaceAll with what came after', () => {
  const m = model([out('old\n')]);
  m.flush('c');
  m.push('c', clear(false));
  assert.deepEqual(m.flush('c'), [{ kind: 'replaceAll', outputs: [] }]);
  for (const output of [out('a\n'), clear(false), out('b\n')]) m.push('c', output);
  assert.deepEqual(kinds(m.flush('c')), ['append'], 'VS Code never saw "a", so no clear is needed');
  assert.equal(textOf(m.outputs('c')[0]), 'b\n');
});

test('clear_output(wait=true) clears just before the next output, and never if none comes', () => {
  const m = model([out('frame 1\n')]);
  m.flush('c');
  m.push('c', clear(true));
  assert.deepEqual(m.flush('c'), [], 'nothing changes yet');
  assert.equal(textOf(m.outputs('c')[0]), 'frame 1\n');
  m.push('c', out('frame 2\n'));
  const edits = m.flush('c');
  assert.deepEqual(kinds(edits), ['replaceAll']);
  assert.equal(edits[0]?.kind === 'replaceAll' && textOf(edits[0].outputs[0]), 'frame 2\n');
  m.push('c', clear(true));
  assert.deepEqual(m.flush('c'), [], 'the run ended with nothing new: the last frame stays');
  assert.equal(textOf(m.outputs('c')[0]), 'frame 2\n');
});

test('a pending clear_output(wait=true) is not triggered by an update of a display', () => {
  const m = model([display({ 'text/plain': 'v1' }, 'd'), clear(true), update('d', { 'text/plain': 'v2' })]);
  assert.deepEqual(
    m.outputs('c').map((o) => textOf(o)),
    ['v2'],
  );
});

test('stream text past the limit is dropped, counted exactly, and noted on the last line', () => {
  const m = model(
    Array.from({ length: 25 }, () => out('123456789\n')),
    { maxTextBytes: 100 },
  );
  assert.deepEqual(m.truncation('c'), { droppedTextBytes: 150, droppedOutputs: 0 });
  const notice = `… output truncated: 150 bytes more not shown (limit 100 bytes, setting ${TEXT_SETTING})\n`;
  assert.equal(textOf(m.outputs('c')[0]), '123456789\n'.repeat(10) + notice);
});

test('a long line is kept up to the limit, never splitting a UTF-8 character', () => {
  const notice = `… output truncated: 900 bytes more not shown (limit 100 bytes, setting ${TEXT_SETTING})\n`;
  const m = model([out('x'.repeat(1000))], { maxTextBytes: 100 });
  assert.equal(textOf(m.outputs('c')[0]), `${'x'.repeat(100)}\n${notice}`);
  const accents = model([out('é'.repeat(60))], { maxTextBytes: 101 });
  assert.equal(textOf(accents.outputs('c')[0]).split('\n')[0], 'é'.repeat(50));
  assert.equal(accents.truncation('c').droppedTextBytes, 20);
});

test('10^6 printed lines keep at most the limit in memory, with the exact number dropped', () => {
  const settingNames = { maxTextBytes: 'S1', maxOutputs: 'S2' };
  const m = new CellOutputs({ maxTextBytes: 1_000_000, settingNames });
  let flushes = 0;
  for (let i = 0; i < 1_000_000; i += 1) {
    m.push('c', out(`${String(i).padStart(9, '0')}\n`));
    if (i % 50_000 === 0) flushes += m.flush('c').length;
  }
  assert.equal(flushes, 20);
  assert.equal(m.truncation('c').droppedTextBytes, 9_000_000);
  const text = textOf(m.outputs('c')[0]);
  const notice = '… output truncated: 9.0 MB more not shown (limit 1.0 MB, setting S1)\n';
  assert.ok(text.endsWith(`000099999\n${notice}`));
  assert.equal(Buffer.byteLength(text), 1_000_000 + Buffer.byteLength(notice));
  assert.equal(m.outputs('c').length, 1);
});

test('text/plain over the limit is cut too, between characters; HTML is kept whole', () => {
  const big = 'y'.repeat(49) + 'é';
  const m = model([result({ 'text/plain': big, 'text/html': big }, 1), result({ 'text/plain': null }, 2)], {
    maxTextBytes: 50,
  });
  const [cut, empty] = m.outputs('c');
  assert.equal(textOf(cut, 0), big);
  const notice = `… output truncated: 2 bytes more not shown (limit 50 bytes, setting ${TEXT_SETTING})`;
  assert.equal(textOf(cut, 1), `${'y'.repeat(49)}\n${notice}`);
  assert.equal(empty?.items[0]?.data.byteLength, 0, 'null is empty, not "null"');
});

test('outputs past maxOutputs are counted once each behind one notice, which then updates in place', () => {
  const m = model(
    [0, 1, 2, 3, 4].map((i) => display({ 'text/plain': `${i}` })),
    { maxOutputs: 3 },
  );
  const notice = (n: number): string =>
    `… ${n} more outputs not shown (limit 3 outputs per cell, setting hubNotebooks.output.maxOutputs)`;
  const outputs = appended(m.flush('c'));
  assert.deepEqual(
    outputs.map((o) => textOf(o)),
    ['0', '1', '2', notice(2)],
  );
  assert.deepEqual(outputs[3]?.metadata, { outputType: 'display_data', metadata: {} });
  // Three stdout messages would have made one output, then stderr another: two more.
  for (const output of [out('a'), out('b'), out('c'), out('e', 'stderr')]) m.push('c', output);
  const items = [{ mime: 'text/plain', data: encode(notice(4)) }];
  assert.deepEqual(m.flush('c'), [{ kind: 'replaceItems', outputId: outputs[3]?.id, items }]);
  assert.deepEqual(m.truncation('c'), { droppedTextBytes: 0, droppedOutputs: 4 });
  m.push('c', clear(false));
  m.push('c', display({ 'text/plain': 'fresh' }));
  assert.deepEqual(
    m.outputs('c').map((o) => textOf(o)),
    ['fresh'],
    'a clear starts the count again',
  );
});

test('takeEdits returns each changed cell once, and nothing after dispose', () => {
  const m = new CellOutputs();
  for (const [key, text] of [
    ['a', '1\n'],
    ['b', '2\n'],
    ['a', '3\n'],
  ] as const)
    m.push(key, out(text));
  const edits = m.takeEdits().map((e) => `${e.cellKey} ${kinds(e.edits).join()}`);
  assert.deepEqual(edits, ['a append', 'b append']);
  assert.deepEqual(m.takeEdits(), []);
  m.dispose();
  m.push('a', out('4\n'));
  assert.deepEqual(m.takeEdits(), []);
  assert.deepEqual(m.outputs('a'), []);
});

test('limits must be whole numbers', () => {
  assert.throws(() => new CellOutputs({ maxTextBytes: -1 }), RangeError);
  assert.throws(() => new CellOutputs({ maxOutputs: 1.5 }), RangeError);
});

test('byte counts read in decimal units, rounded before the unit is chosen', () => {
  const counts = [0, 1, 999, 1000, 12_345, 999_960, 12_345_678, 1_500_000_000];
  const expected = '0 bytes|1 byte|999 bytes|1.0 kB|12.3 kB|1.0 MB|12.3 MB|1.5 GB';
  assert.equal(counts.map(formatBytes).join('|'), expected);
});
