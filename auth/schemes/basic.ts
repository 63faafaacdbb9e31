// HTTP Basic (Track): a user name field (the Site ID) and a password field (the API key).
import type { AuthScheme, AuthValues, CredentialScheme } from '../types.js';
import { escapedForms } from './secret-forms.js';

export function basicScheme(def: Extract<AuthScheme, { scheme: 'basic' }>): CredentialScheme {
  const text = (auth: AuthValues, field: string) => String(auth[field] ?? '');
  return {
    fields: (auth) => [auth[def.username], auth[def.password]],
    header: (auth) => `Basic ${Buffer.from(`${text(auth, def.username)}:${text(auth, def.password)}`).toString('base64')}`,
    values: (parts) => ({ [def.username]: parts.user ?? '', [def.password]: parts.secret }),
    secrets(auth, header) {
      const token = header.slice('Basic '.length);
      // A server that decodes the header and repeats it shows `site:key`.
      return [...escapedForms(auth[def.password]), header, token, Buffer.from(token, 'base64').toString('utf8')];
    },
  };
}
