// Bearer (App and Beta): one token field (the App API key).
import type { AuthScheme, CredentialScheme } from '../types.js';
import { escapedForms } from './secret-forms.js';

export function bearerScheme(def: Extract<AuthScheme, { scheme: 'bearer' }>): CredentialScheme {
  return {
    fields: (auth) => [auth[def.token]],
    header: (auth) => `Bearer ${String(auth[def.token] ?? '')}`,
    values: (parts) => ({ [def.token]: parts.secret }),
    secrets: (auth, header) => [...escapedForms(auth[def.token]), header, header.slice('Bearer '.length)],
  };
}
