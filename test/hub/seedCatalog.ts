// The sandbox's supported notebooks: `npm start` publishes each file in test/hub/supported/ three times
// (1.0.0, 1.1.0 and 1.2.0, with `{{VERSION}}` filled in) as carol, a maintainer, through the service's real
// publish API, so the Supported tree shows versions with the current one marked. The token is minted for
// this and revoked after.
import fs from 'node:fs';
import path from 'node:path';
import { createCatalogClient } from '../../src/core/catalog';
import { HubClient, createHubTransport } from '../../src/core/hub';
import { extensionTokenScopes } from '../../src/service/config';
import { MAINTAINER_USERS, SERVICE_NAME, type HubHandle } from './harness';

export const SANDBOX_SUPPORTED_DIR = path.join(__dirname, 'supported');
export const SANDBOX_VERSIONS = ['1.0.0', '1.1.0', '1.2.0'] as const;

/** The sandbox's supported notebooks: name (from the file name) and the text of each version. */
export function sandboxSupportedNotebooks(): {
  name: string;
  versions: { version: string; text: string }[];
}[] {
  return fs
    .readdirSync(SANDBOX_SUPPORTED_DIR)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .map((file) => {
      const template = fs.readFileSync(path.join(SANDBOX_SUPPORTED_DIR, file), 'utf8');
      return {
        name: file.replace(/\.ipynb$/, ''),
        versions: SANDBOX_VERSIONS.map((version) => ({
          version,
          text: template.replaceAll('{{VERSION}}', version),
        })),
      };
    });
}

/** Publishes them on a fresh sandbox hub; returns what was published, as `name version` lines. */
export async function seedSupportedNotebooks(hub: HubHandle): Promise<string[]> {
  const maintainer = MAINTAINER_USERS[0] ?? 'carol';
  const admin = new HubClient({ baseUrl: hub.url, getToken: () => hub.adminToken });
  const made = await admin.createToken(maintainer, {
    note: 'sandbox: publish the demo supported notebooks',
    expiresInSeconds: 300,
    scopes: extensionTokenScopes(SERVICE_NAME),
  });
  const catalog = createCatalogClient({
    transport: createHubTransport({ baseUrl: hub.url, getToken: () => made.token }),
  });
  const published: string[] = [];
  try {
    for (const notebook of sandboxSupportedNotebooks()) {
      for (const { version, text } of notebook.versions) {
        await catalog.publish(notebook.name, version, Buffer.from(text, 'utf8'));
        published.push(`${notebook.name} ${version}`);
      }
    }
  } finally {
    await admin.revokeToken(maintainer, made.id).catch(() => undefined);
  }
  return published;
}
