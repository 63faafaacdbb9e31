// Optional peer dependencies (ioredis, rate-limiter-flexible): only the Redis entry points use
// them, and they load them when a limiter or store is constructed, never at import. A host that
// never uses Redis does not install them; one that does gets an Error saying what to install
// instead of a bare "Cannot find module" from deep inside an import.
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/**
 * The packages in `peers` (name → version range), loaded in that order; throws an Error naming
 * `user` and the install command when one of them is not installed.
 */
export function loadOptionalPeers(user: string, peers: Record<string, string>): unknown[] {
  const names = Object.keys(peers);
  return names.map((name) => {
    try {
      return load(name) as unknown;
    } catch (error) {
      // Only "not installed"; a package that is there but fails to load says so itself.
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
      const listed = names.length > 1 ? `ies ${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : `y ${name}`;
      const install = names.map((n) => `${n}@${peers[n]}`).join(' ');
      throw new Error(`${user} needs the optional peer dependenc${listed}: npm install ${install}`, { cause: error });
    }
  });
}
