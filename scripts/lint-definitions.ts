// npm run lint:definitions — the definition checks of the test suite, as a quick command for
// someone editing operation files: meta-schema, strict compilation, form labels, examples.
import { join } from 'node:path';
import { lintConnector, lintFormSchema, lintOperation } from './definition-lint.js';
import { loadManifest, packageRoot } from '../runtime/loader.js';
import { readJsonFile } from '../runtime/schema-bundle.js';
import { compileSchema, describeErrors } from '../runtime/input/validation.js';

const validateOperation = compileSchema(readJsonFile(join(packageRoot(), 'schemas', 'operation.meta.schema.json')));
const problems: string[] = [];
for (const connector of loadManifest()) {
  problems.push(...lintFormSchema(connector.auth_schema, `${connector.name} auth`, new Set()));
  problems.push(...lintConnector(connector));
  for (const operation of connector.operationsByName.values()) {
    const { file: _file, ...definition } = operation;
    if (!validateOperation(definition)) {
      problems.push(...describeErrors(validateOperation.errors ?? [], validateOperation.schema, `${connector.name}/${operation.name}`, definition).map((p) => p.message));
    }
    problems.push(...lintOperation(connector, operation));
  }
}
for (const problem of problems) console.log(problem);
console.log(problems.length ? `${problems.length} problems` : 'definitions: no problems');
process.exitCode = problems.length ? 1 : 0;
