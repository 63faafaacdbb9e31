// `npm run check:imports` (part of `npm test`): the import graph of the package's code keeps
// the one-way shape docs/architecture.md describes. It fails on any import cycle, and on an
// import that goes against the flow of a call:
//   execute → input (normalise, check) → runners → plan → (request) → send → envelope
// Type-only imports count too: a step that needs another step's types to know what it receives
// should find them in runtime/contracts.ts instead.
import madge from 'madge';
import { packageRoot } from '../runtime/package-root.js';

/** Folders (or files) whose code may not import the ones listed, with the reason. */
const RULES: { from: RegExp; to: RegExp; why: string }[] = [
  { from: /^auth\//, to: /^(runtime|cli|host|sandbox)\//, why: 'auth/ is handed what it needs (the region table); it imports nothing of the runtime' },
  {
    from: /^forms\//,
    to: /^(cli|host|sandbox)\/|^runtime\/(?!(input\/schema-keywords|input\/one-of-branch|plan\/endpoint-url)\.ts$)/,
    why: 'the form helpers are pure functions over schemas; of the runtime they share only modules that are pure and import no more of it than each other: its schema keywords, the oneOf branch chooser (the page reports the rule the runtime reports) and the raw request Endpoint rules (the page shows the URL the runtime sends, or its refusal)',
  },
  { from: /^runtime\//, to: /^(cli|host|sandbox|forms|scripts|bench|test)\//, why: 'the runtime is used by the programs, never the other way round' },
  { from: /^runtime\/(input|plan|send|runners)\//, to: /^runtime\/(execute|run-context|registry|bulk-session)\.ts$/, why: 'a step never reaches back to what runs it' },
  { from: /^runtime\/input\//, to: /^runtime\/(plan|send|runners)\//, why: 'input is checked before anything is planned or sent' },
  { from: /^runtime\/plan\//, to: /^runtime\/(send|runners)\//, why: 'a plan is made before it is sent, and knows nothing of how it is run' },
  { from: /^runtime\/send\//, to: /^runtime\/(input|plan|runners)\//, why: 'sending takes a finished plan' },
  { from: /^runtime\/runners\//, to: /^runtime\/send\//, why: 'runners send through the calls they are given (run-context.ts)' },
  { from: /^runtime\/(input|plan|send|runners)\//, to: /^runtime\/triggers\//, why: 'triggers are an entry beside execute: the steps serve them, never the reverse' },
  { from: /^runtime\/contracts\.ts$/, to: /^runtime\/(input|plan|send|runners)\//, why: 'contracts are the shapes every step shares, and depend on none of them' },
];

const root = packageRoot();
const graph = await madge(['runtime', 'auth', 'forms', 'cli', 'host', 'sandbox'], {
  baseDir: root,
  fileExtensions: ['ts', 'tsx'],
  tsConfig: `${root}/tsconfig.json`,
  excludeRegExp: [/\.d\.ts$/, /node_modules/],
});

const problems: string[] = [];
for (const cycle of graph.circular()) problems.push(`import cycle: ${[...cycle, cycle[0]].join(' → ')}`);
for (const [file, imports] of Object.entries(graph.obj())) {
  for (const imported of imports) {
    const rule = RULES.find((r) => r.from.test(file) && r.to.test(imported));
    if (rule) problems.push(`${file} imports ${imported}: ${rule.why}`);
  }
}
const skipped = graph.warnings().skipped.filter((name) => !/^[a-z@]/.test(name)); // packages are not ours to check
for (const name of skipped) problems.push(`could not follow the import ${name}`);

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`imports: ${Object.keys(graph.obj()).length} files, no cycle, every import goes with the flow`);
