// The vocabulary of credentials and regions. auth/ imports nothing from runtime/: the runtime
// asks it, never the other way round.

export type ApiName = 'track' | 'app' | 'beta';
export type Region = 'us' | 'eu';

/** The credential values a host passes: the fields of the connector's auth form. */
export type AuthValues = Record<string, unknown>;

/** A connector's `auth` (connector.json): which scheme, and which form fields feed it. */
export type AuthScheme = (
  | { scheme: 'basic'; username: string; password: string }
  | { scheme: 'bearer'; token: string }
) & {
  /** How the credentials are named when Customer.io refuses them: "a Tracking API key with its Site ID". */
  described_as: string;
};

/** What the runtime needs from a scheme; one module per scheme implements it (auth/schemes/). */
export interface CredentialScheme {
  /** The form fields the header is made from, in a fixed order. */
  fields(auth: AuthValues): unknown[];
  /** The Authorization header. */
  header(auth: AuthValues): string;
  /** Every string that would reveal a secret: the secret as written, in a URL or in JSON, the header, with and without its scheme word, and what the header decodes to. */
  secrets(auth: AuthValues, header: string): string[];
  /** The form's values for a user name (Basic only) and a secret: how a host fills the form for a known account (the sandbox's). */
  values(parts: { user?: string; secret: string }): AuthValues;
}
