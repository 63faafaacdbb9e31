// The scheme a connector declares, as the one object the runtime asks about credentials. A new
// scheme is a module in auth/schemes/ and a line here.
import { basicScheme } from './schemes/basic.js';
import { bearerScheme } from './schemes/bearer.js';
import type { AuthScheme, CredentialScheme } from './types.js';

const made = new WeakMap<AuthScheme, CredentialScheme>();

export function credentialScheme(def: AuthScheme): CredentialScheme {
  let scheme = made.get(def);
  if (!scheme) {
    scheme = def.scheme === 'basic' ? basicScheme(def) : bearerScheme(def);
    made.set(def, scheme);
  }
  return scheme;
}
