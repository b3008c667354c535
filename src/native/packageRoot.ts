/** The package root (where package.json, docs/ and examples/ are), for code outside src/native. */
export { PACKAGE_ROOT } from './addon.js';
