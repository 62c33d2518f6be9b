// What dist/secretlint.js exports (scripts/build.mjs): both secretlint modules the lint imports, under the
// names it imports them by.
export { lintSource } from '@secretlint/core';
export { rules } from '@secretlint/secretlint-rule-preset-recommend';
