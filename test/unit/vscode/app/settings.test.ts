// The typed settings accessor: normalised hubs, a service path that cannot leave the hub, the callback mode,
// change events, and a manifest that contributes and restricts the same settings.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { beforeEach, test } from 'node:test';
import { fake, recordingLogger, until } from '../../support/authFixture';
import { CALLBACK_MODES, SettingKeys, Settings } from '../../../../src/vscode/app/settings';

beforeEach(() => fake.reset());

function makeSettings() {
  const log = recordingLogger();
  return { settings: new Settings(log.logger), lines: log.lines };
}

test('defaults: no hubs, the conventional service path, auto callbacks', () => {
  const { settings } = makeSettings();
  assert.deepEqual(settings.hubs, []);
  assert.equal(settings.servicePath, 'services/hub-notebooks/');
  assert.equal(settings.callbackMode, 'auto');
  assert.equal(fake.messages.length, 0);
});

test('hubs are normalised and de-duplicated; each invalid entry is warned about once, with Open Settings', async () => {
  fake.setSetting(SettingKeys.hubs, [
    'https://hub.example.org/hub/login',
    'https://hub.example.org',
    'http://evil.example/',
    42,
    'http://127.0.0.1:8000/jhub/',
  ]);
  fake.answer.message = (m) => (m.items.includes('Open Settings') ? 'Open Settings' : undefined);
  const { settings, lines } = makeSettings();
  assert.deepEqual(settings.hubs, ['https://hub.example.org/', 'http://127.0.0.1:8000/jhub/']);
  assert.deepEqual(settings.hubs, ['https://hub.example.org/', 'http://127.0.0.1:8000/jhub/']);
  const warnings = fake.messages.filter((m) => m.kind === 'warning');
  assert.equal(warnings.length, 2, 'reading twice does not warn twice');
  assert.match(
    warnings[0]?.message ?? '',
    /hubNotebooks\.hubs: plain http to evil\.example would expose your token/,
  );
  assert.match(warnings[1]?.message ?? '', /entries must be strings/);
  assert.deepEqual(warnings[0]?.items, ['Open Settings']);
  await until(() => fake.executedCommands.length === 2);
  assert.deepEqual(fake.executedCommands[0], {
    id: 'workbench.action.openSettings',
    args: ['hubNotebooks.hubs'],
  });
  assert.equal(lines.filter((l) => l.startsWith('warn')).length, 2);
});

test('onDidChange fires for hubNotebooks settings and not for others', () => {
  const { settings } = makeSettings();
  let fired = 0;
  settings.onDidChange(() => fired++);
  fake.setSetting('editor.fontSize', 14);
  assert.equal(fired, 0);
  fake.setSetting(SettingKeys.callback, 'loopback');
  assert.equal(fired, 1);
  assert.equal(settings.callbackMode, 'loopback');
  settings.dispose();
  fake.setSetting(SettingKeys.callback, 'uri');
  assert.equal(fired, 1, 'a disposed accessor stops listening');
});

test('the service path is made relative with a trailing slash, and refused when it would leave the hub', () => {
  const { settings } = makeSettings();
  fake.setSetting(SettingKeys.servicePath, '/services/notebooks-broker');
  assert.equal(settings.servicePath, 'services/notebooks-broker/');
  for (const escape of [
    'https://evil.example/x/',
    '../../elsewhere/',
    'services/%2e%2e/%2e%2e/x/',
    'svc/?a=1',
  ]) {
    fake.setSetting(SettingKeys.servicePath, escape);
    assert.equal(settings.servicePath, 'services/hub-notebooks/', `${escape} falls back to the default`);
  }
  assert.ok(
    fake.messages.some((m) => m.kind === 'warning' && m.message.includes('hubNotebooks.servicePath')),
  );
});

test('an unknown callback mode reads as auto; every known one reads as itself', () => {
  const { settings } = makeSettings();
  fake.setSetting(SettingKeys.callback, 'carrier-pigeon');
  assert.equal(settings.callbackMode, 'auto');
  for (const mode of CALLBACK_MODES) {
    fake.setSetting(SettingKeys.callback, mode);
    assert.equal(settings.callbackMode, mode);
  }
});

test('addHub appends to the user-level list only, and not twice', async () => {
  fake.setSetting(SettingKeys.hubs, ['https://one.example.org/'], 'global');
  fake.setSetting(SettingKeys.hubs, ['https://workspace.example.org/'], 'workspace');
  const { settings } = makeSettings();
  await settings.addHub('https://two.example.org/');
  await settings.addHub('https://two.example.org/');
  assert.deepEqual(fake.settings.get(SettingKeys.hubs), {
    global: ['https://one.example.org/', 'https://two.example.org/'],
    workspace: ['https://workspace.example.org/'],
  });
});

interface ConfigManifest {
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: {
    configuration: {
      title: string;
      properties: Record<string, { default: unknown; enum?: string[]; enumDescriptions?: string[] }>;
    };
  };
}

test('package.json contributes these settings, and restricts those that decide where tokens go', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as ConfigManifest;
  const { title, properties } = manifest.contributes.configuration;
  assert.equal(title, 'Hub Notebooks');
  assert.deepEqual(Object.keys(properties).sort(), Object.values(SettingKeys).sort());
  assert.deepEqual(properties[SettingKeys.hubs]?.default, []);
  assert.equal(properties[SettingKeys.servicePath]?.default, 'services/hub-notebooks/');
  assert.equal(properties[SettingKeys.callback]?.default, 'auto');
  assert.deepEqual(properties[SettingKeys.callback]?.enum, [...CALLBACK_MODES]);
  assert.equal(properties[SettingKeys.callback]?.enumDescriptions?.length, CALLBACK_MODES.length);
  const untrusted = manifest.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, 'limited');
  assert.deepEqual(
    untrusted.restrictedConfigurations.sort(),
    [SettingKeys.hubs, SettingKeys.servicePath].sort(),
  );
});
