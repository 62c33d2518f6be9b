// The kernel controllers and the output conversion in the real extension host (run by hub.host.js once signed
// in as alice, with her server running): a notebook of alice's is opened, the hub controller selected, each cell
// run on the hub, and the cells' real NotebookCellOutputs checked item by item.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const vscode = require('vscode');

const EXTENSION_ID = 'hub-notebooks.hub-notebooks';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const WAIT_MS = 90_000; // a deadline for things that must happen, not a timing assertion

// A 1×1 red PNG built with the standard library only, shown as display_data through IPython.display.
const PNG_CELL = `import struct, zlib
from IPython.display import Image, display
def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
png = (b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 2, 0, 0, 0))
       + chunk(b'IDAT', zlib.compress(b'\\x00\\xff\\x00\\x00')) + chunk(b'IEND', b''))
display(Image(data=png, format='png'))`;

const CELLS = [
  "import sys\nprint('hello from the hub')\nprint('a warning', file=sys.stderr)",
  '6 * 7',
  "raise ValueError('e2e boom')",
  PNG_CELL,
  "import os, getpass; print(getpass.getuser(), 'TEAM_API_KEY' in os.environ)",
];

exports.run = async function run({ authority }) {
  const name = `hubnb-e2e-host-kernel-${crypto.randomUUID()}.ipynb`;
  const uri = vscode.Uri.from({ scheme: 'hubnb', authority, path: `/me/${name}` });
  await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(notebookJson(CELLS), null, 1)));
  try {
    const notebook = await vscode.workspace.openNotebookDocument(uri);
    assert.equal(notebook.notebookType, 'jupyter-notebook');
    assert.equal(notebook.cellCount, CELLS.length);
    await vscode.window.showNotebookDocument(notebook);
    const controllerId = `hub-notebooks:${authority}:alice:default`;
    await selectKernel(controllerId);
    console.log(`hubKernels.host: selected the controller ${controllerId}`);
    for (let index = 0; index < CELLS.length; index++) await runCell(notebook, index);
    checkOutputs(notebook);
  } finally {
    await vscode.workspace.fs.delete(uri).then(undefined, (err) => {
      console.error(`hubKernels.host: could not delete ${uri.path}: ${String(err)}`);
    });
  }
  console.log('hubKernels.host: cells ran on the hub and their outputs are real NotebookCellOutputs');
};

/**
 * Selects our controller for the active notebook. The controllers are rebuilt after sign-in, asynchronously;
 * until ours exists, VS Code's select-kernel command logs "wanted kernel DOES NOT EXIST" and returns false.
 */
async function selectKernel(id) {
  const commands = await vscode.commands.getCommands(false); // internal ones too: `_notebook.selectKernel`
  // VS Code 1.100 registers the command that takes a kernel id only as `_notebook.selectKernel`.
  const command = ['notebook.selectKernel', '_notebook.selectKernel'].find((c) => commands.includes(c));
  assert.ok(command, 'VS Code has a select-kernel command');
  await waitFor(`the controller ${id} to be selectable`, async () =>
    Boolean(await vscode.commands.executeCommand(command, { id, extension: EXTENSION_ID })),
  );
}

async function runCell(notebook, index) {
  const cell = notebook.cellAt(index);
  await vscode.commands.executeCommand('notebook.cell.execute', {
    ranges: [{ start: index, end: index + 1 }],
    document: notebook.uri,
  });
  await waitFor(`cell ${index} to finish`, () => cell.executionSummary?.success !== undefined);
}

function checkOutputs(notebook) {
  const [printing, result, failing, image, user] = CELLS.map((_, i) => notebook.cellAt(i));

  assert.equal(printing.executionSummary.success, true, 'the print cell succeeded');
  assert.equal(textOf(printing, 'application/vnd.code.notebook.stdout'), 'hello from the hub\n');
  assert.equal(textOf(printing, 'application/vnd.code.notebook.stderr'), 'a warning\n');

  assert.equal(result.executionSummary.success, true, 'the expression cell succeeded');
  assert.equal(textOf(result, 'text/plain'), '42');
  assert.equal(typeof result.executionSummary.executionOrder, 'number', 'it has an execution count');

  assert.equal(failing.executionSummary.success, false, 'the raising cell failed');
  const error = JSON.parse(textOf(failing, 'application/vnd.code.notebook.error'));
  assert.equal(error.name, 'ValueError');
  assert.equal(error.message, 'e2e boom');

  assert.equal(image.executionSummary.success, true, 'the image cell succeeded');
  const png = Buffer.from(itemOf(image, 'image/png').data);
  assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), `image/png holds PNG bytes, not ${png.subarray(0, 8)}`);

  assert.equal(user.executionSummary.success, true, 'the user cell succeeded');
  assert.equal(textOf(user, 'application/vnd.code.notebook.stdout'), 'alice True\n');
  console.log('hubKernels.host: stdout, stderr, text/plain, error and image/png outputs as expected');
}

/** The one output item of a cell with this mime, across its outputs; fails with what the cell has instead. */
function itemOf(cell, mime) {
  const items = cell.outputs.flatMap((o) => o.items);
  const found = items.filter((i) => i.mime === mime);
  assert.equal(
    found.length,
    1,
    `cell ${cell.index} has one ${mime} item; it has ${items.map((i) => i.mime)}`,
  );
  return found[0];
}

function textOf(cell, mime) {
  return Buffer.from(itemOf(cell, mime).data).toString('utf8');
}

async function waitFor(what, check) {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function notebookJson(sources) {
  return {
    cells: sources.map((source) => ({
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source,
    })),
    metadata: {
      kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
      language_info: { name: 'python' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}
