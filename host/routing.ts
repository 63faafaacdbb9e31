// Where the host sends a call: the embedded sandbox (its origin, answering as region US) or
// Customer.io's US or EU hosts. Execute, test-auth, triggers and their actions all route here,
// so a trigger and the action it runs always reach the same place.
import type { ExecuteOptions } from '../runtime/index.js';
import { HttpProblem } from './http.js';

export type Target = 'sandbox' | 'us' | 'eu';
export const TARGETS: readonly Target[] = ['sandbox', 'us', 'eu'];

export interface SandboxInfo {
  origin: string;
  credentials: { site_id: string; track_api_key: string; app_api_key: string; webhook_signing_key?: string };
}

export interface Routed {
  target: Target;
  /** The credentials with the region the target implies. */
  auth: Record<string, unknown>;
  options: ExecuteOptions;
}

export function targetOf(value: unknown): Target {
  const target = (value ?? 'sandbox') as Target;
  if (!TARGETS.includes(target)) throw new HttpProblem(400, '"target" must be sandbox, us or eu');
  return target;
}

export function routeCall(target: Target, auth: Record<string, unknown>, sandbox: SandboxInfo | undefined): Routed {
  if (target === 'sandbox') {
    if (!sandbox) throw new HttpProblem(400, 'this host runs without a sandbox: choose US or EU');
    return { target, auth: { ...auth, region: 'us' }, options: { origin: sandbox.origin } };
  }
  return { target, auth: { ...auth, region: target }, options: {} };
}
