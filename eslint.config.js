// The browser floor, linted: every JavaScript file a page can load (the sources in
// www/ and everything shipped in dist/, the wasm-bindgen glue included) may use only
// what the documented floor has (package.json "browserslist": Chrome/Edge/Android
// WebView 91, Firefox 90, Safari/iOS 15). `npm run lint:floor` runs it; the test
// command fails on any finding. Three checks, because no single tool sees everything:
// - eslint-plugin-compat: web APIs reached through globals (`structuredClone`,
//   `navigator.x`, `AbortSignal.timeout`), against MDN's compatibility data;
// - eslint-plugin-es-x: JavaScript built-ins and syntax newer than ES2021 (the floor
//   supports ES2021 fully, and nothing later in all three engines: `Object.hasOwn`,
//   `Array.prototype.at` and `findLast`, error `cause`...). Its aggressive mode flags a
//   method name on any object, since there are no types to tell an array from a string;
// - methods on DOM instances, which neither plugin can see without types: listed here
//   with the version that added them.
import compat from 'eslint-plugin-compat';
import esx from 'eslint-plugin-es-x';

/** DOM instance members newer than the floor (neither plugin sees them). */
const NEWER_DOM_MEMBERS = [
  ['checkVisibility', 'Chrome 105, Safari 17.4'],
  ['showPicker', 'Chrome 99, Safari 16'],
  ['inert', 'Chrome 102, Firefox 112, Safari 15.5'],
  ['showModal', 'Firefox 98, Safari 15.4'],
  ['ariaLabel', 'Firefox 119 (ARIA reflection)'],
];

export default [
  { ignores: ['node_modules/**', 'target/**', 'bench/**', 'tests/**', 'scripts/**', 'fuzz/**'] },
  {
    files: ['www/**/*.js', 'dist/**/*.js'],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    plugins: { compat, 'es-x': esx },
    settings: { 'es-x': { aggressive: true } },
    rules: {
      ...esx.configs['flat/restrict-to-es2021'].rules,
      // Aggressive mode cannot tell an array's filter/map/some from an iterator
      // helper's (ES2025), and the code calls them on arrays only; the stripped-
      // built-ins page deletes the iterator helpers, so a real use would fail there.
      ...Object.fromEntries(Object.keys(esx.rules).filter((name) => name.startsWith('no-iterator-prototype-'))
        .map((name) => [`es-x/${name}`, 'off'])),
      // Within the floor, but the stripped-built-ins page deletes it too.
      'es-x/no-string-prototype-replaceall': 'error',
      'compat/compat': 'error',
      'no-restricted-properties': ['error', ...NEWER_DOM_MEMBERS.map(([property, since]) => ({
        property, message: `newer than the supported floor (${since})`,
      }))],
    },
  },
  {
    // wasm-bindgen's glue reads `buffer.detached` (ES2024) and falls back to comparing
    // buffers when it is undefined, as it is at the floor.
    files: ['dist/assent_runtime.js', 'dist/assent_ui.js'],
    rules: { 'es-x/no-arraybuffer-prototype-transfer': 'off' },
  },
  {
    // The loader's modules (bundled into dist/assent.js) share one state object that
    // boot() creates and passes along: no module keeps mutable state of its own, so a
    // top-level `let` or `var` is refused. Top-level `const` of immutable values is fine.
    files: ['www/loader/**/*.js'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'Program > VariableDeclaration[kind!="const"], Program > ExportNamedDeclaration > VariableDeclaration[kind!="const"]',
        message: 'no module-level mutable state in the loader: keep it on the session object boot() creates',
      }],
      // An import left behind when a function moves between modules.
      'no-unused-vars': 'error',
    },
  },
  {
    // The stub is a classic script (inlined by the snippet).
    files: ['www/stub.js', 'dist/assent-stub.js'],
    languageOptions: { sourceType: 'script' },
  },
];
