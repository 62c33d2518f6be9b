// The layers that must run without VS Code (src/core, src/service) cannot import it: lint fails if they do.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function restrictedImportErrors(filePath: string, extra: string): Promise<string[]> {
  const text = `${extra}\n${readFileSync(filePath, 'utf8')}`;
  const [result] = await eslint.lintText(text, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('importing vscode in src/core or src/service is a lint error', async () => {
  for (const file of ['src/core/logger.ts', 'src/service/config.ts']) {
    const errors = await restrictedImportErrors(file, "import * as vscode from 'vscode'; void vscode;");
    assert.equal(errors.length, 1, `${file}: ${errors.join('; ')}`);
    assert.match(errors[0] ?? '', /must not depend on VS Code/);
  }
});

test('importing the adapters from src/core is a lint error', async () => {
  const errors = await restrictedImportErrors(
    'src/core/logger.ts',
    "import '../vscode/commands/commandIds';",
  );
  assert.equal(errors.length, 1);
});

test('src/vscode may import vscode', async () => {
  assert.deepEqual(await restrictedImportErrors('src/vscode/commands/commandIds.ts', "import 'vscode';"), []);
});
