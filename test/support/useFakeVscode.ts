// Imported first by tests that load adapter code: from here on, `require('vscode')` gets the fake.
import { createFakeVscode, installFakeVscode } from './fakeVscode';

export const fake = createFakeVscode();
installFakeVscode(fake);
