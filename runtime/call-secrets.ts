// What a call makes from its credentials: the Authorization header, and the redactor that keeps
// every form of the secret out of envelopes and events. Hosts usually pass the same auth object
// call after call, so both are kept beside that object (in a WeakMap: they go when the host drops
// it) and reused while its credential fields hold the same values; changed values make new ones.
import { authorizationHeader, credentialValues, secretValues, type AuthValues } from '../auth/credentials.js';
import type { AuthScheme } from './definitions.js';
import { makeRedactor, type Redactor } from './redact.js';

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

export function callSecrets(scheme: AuthScheme, auth: AuthValues): CallSecrets {
  const values = credentialValues(scheme, auth);
  const made = madeFor.get(auth);
  if (made && made.scheme === scheme && made.values.every((value, i) => value === values[i])) return made.secrets;
  const authorization = authorizationHeader(scheme, auth);
  const secrets = { authorization, redact: makeRedactor(secretValues(scheme, auth, authorization)) };
  madeFor.set(auth, { scheme, values, secrets });
  return secrets;
}
