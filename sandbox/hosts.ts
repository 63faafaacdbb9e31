// Which Host headers the sandbox answers, as the reference host does (host/server.ts): a page on
// another site can point its own name at 127.0.0.1 (DNS rebinding) and then read the sandbox
// as if it were same-origin, with the fixed default credentials. Its requests carry that
// page's name in Host, so only names that cannot be an attacker's are answered: the loopback
// names with the sandbox's port, the address it is bound to, and the public names configured.
// When it listens beyond loopback, any IP address is taken too (a rebinding page is always
// addressed by a name, and port mappings such as Docker's change the port clients see).
import { isIP } from 'node:net';

export interface HostRuleInput {
  /** The address the server is bound to, as `server.address()` gives it. */
  address: string;
  port: number;
  /** Public names it is reached by (a reverse proxy, a tunnel): `name` (any port) or `name:port`. */
  publicNames?: string[];
}

export function isLoopback(address: string): boolean {
  return address === '::1' || address === 'localhost' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** `[::1]:4010` → `{ name: '[::1]', port: '4010' }`; the name lower-cased. */
function splitHost(host: string): { name: string; port: string | undefined } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host.trim().toLowerCase());
  return match ? { name: match[1], port: match[2] } : { name: '', port: undefined };
}

function isIpLiteral(name: string): boolean {
  return name.startsWith('[') ? isIP(name.slice(1, -1)) === 6 : isIP(name) === 4;
}

/** A test for Host headers: true when the sandbox answers a request addressed to that name. */
export function hostRule({ address, port, publicNames = [] }: HostRuleInput): (host: string | undefined) => boolean {
  const bound = address.includes(':') ? `[${address}]` : address;
  const own = new Set([bound, 'localhost', '127.0.0.1', '[::1]'].map((name) => `${name}:${port}`));
  const configured = publicNames.map((entry) => splitHost(entry));
  const exposed = !isLoopback(address);
  return (host) => {
    if (!host) return false;
    const { name, port } = splitHost(host);
    if (!name) return false;
    // A Host without a port names port 80.
    const given = port || '80';
    if (own.has(`${name}:${given}`)) return true;
    if (configured.some((entry) => entry.name === name && (entry.port === undefined || entry.port === given))) return true;
    return exposed && isIpLiteral(name);
  };
}

/** The lines to show when the sandbox starts: a sandbox bound beyond loopback is reachable by others. */
export function exposureWarnings(address: string, port: number, defaultCredentials: boolean): string[] {
  if (isLoopback(address)) return [];
  const shown = address.includes(':') ? `[${address}]` : address;
  return [
    `Warning: the sandbox listens on ${shown}:${port}, beyond this machine: anyone who can reach it can read and change its workspace` +
      (defaultCredentials ? ' with the default credentials above, which are public (set siteId, trackApiKey and appApiKey to your own)' : ' with the credentials above') +
      '. It answers requests addressed to an IP address, localhost or a name given in allowedHosts.',
  ];
}
