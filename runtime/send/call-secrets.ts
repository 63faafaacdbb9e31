// What a call makes from its credentials: the Authorization header, and the redactor that keeps
// every form of the secret out of envelopes and events (the connector's scheme says what those
// are: auth/). Hosts usually pass the same auth object call after call, so both are kept beside
// that object (in a WeakMap: they go when the host drops it) and reused while its credential
// fields hold the same values; changed values make new ones.
import { credentialScheme } from '../../auth/scheme.js';
import type { AuthScheme, AuthValues } from '../../auth/types.js';
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

export function callSecrets(def: AuthScheme, auth: AuthValues): CallSecrets {
  const scheme = credentialScheme(def);
  const values = scheme.fields(auth);
  const made = madeFor.get(auth);
  if (made && made.scheme === def && made.values.every((value, i) => value === values[i])) return made.secrets;
  const authorization = scheme.header(auth);
  const secrets = { authorization, redact: makeRedactor(scheme.secrets(auth, authorization)) };
  madeFor.set(auth, { scheme: def, values, secrets });
  return secrets;
}
