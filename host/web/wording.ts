// Who answered. The runtime words a refusal as Customer.io's ("Customer.io refused the request
// (400): …"), since that is who it calls; with the sandbox as the target, the sandbox answered,
// and the page says so. The envelope itself is shown as the runtime returned it.
import type { Target } from './api.js';

const SPEAKS = /(^|[.;:(]\s*)Customer\.io (refused|rejected|could not|had a|is rate limiting|answered|says)/g;

export function answeredBy(message: string, target: Target): string {
  if (target !== 'sandbox') return message;
  return message.replace(SPEAKS, (_all, before: string, verb: string) => `${before}${before.trim() === '' ? 'The' : 'the'} sandbox ${verb}`);
}
