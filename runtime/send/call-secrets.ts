// What a call makes from its credentials: the Authorization header, and the redactor that keeps
// every form of the secret out of envelopes and events (the connector's scheme says what those
// are: auth/). Hosts usually pass the same auth object call after call, so both are kept beside
// that object (in a WeakMap: they go when the host drops it) and reused while its credential
// fields hold the same values; changed values make new ones.
import { credentialScheme } from '../../auth/scheme.js';
import { escapedForms } from '../../auth/schemes/secret-forms.js';
import type { AuthScheme, AuthValues } from '../../auth/types.js';
import type { JsonSchema, LoadedConnector } from '../definitions.js';
import { makeRedactor, type Redactor } from '../redact.js';

export interface CallSecrets {
  authorization: string;
  redact: Redactor;
}

interface Made {
  scheme: AuthScheme;
  values: unknown[];
  secrets: CallSecrets;
}

const madeFor = new WeakMap<AuthValues, Made>();

const secretFieldsOf = new WeakMap<JsonSchema, string[]>();

/** The fields an auth form marks `secret` (the key, a trigger's webhook signing key…). */
function secretFields(authSchema: JsonSchema): string[] {
  let fields = secretFieldsOf.get(authSchema);
  if (!fields) {
    const properties = (authSchema.properties as Record<string, JsonSchema> | undefined) ?? {};
    fields = Object.entries(properties).filter(([, field]) => field.secret === true).map(([name]) => name);
    secretFieldsOf.set(authSchema, fields);
  }
  return fields;
}

/** The secrets of a call with this connector: its scheme's, and every other field its auth form marks secret. */
export function callSecrets(connector: Pick<LoadedConnector, 'auth' | 'auth_schema'>, auth: AuthValues): CallSecrets {
  const def = connector.auth;
  const otherSecrets = secretFields(connector.auth_schema);
  const scheme = credentialScheme(def);
  const values = [...scheme.fields(auth), ...otherSecrets.map((field) => auth[field])];
  const made = madeFor.get(auth);
  if (made && made.scheme === def && made.values.length === values.length && made.values.every((value, i) => value === values[i])) return made.secrets;
  const authorization = scheme.header(auth);
  const others = otherSecrets.flatMap((field) => escapedForms(auth[field]));
  const secrets = { authorization, redact: makeRedactor([...scheme.secrets(auth, authorization), ...others]) };
  madeFor.set(auth, { scheme: def, values, secrets });
  return secrets;
}
