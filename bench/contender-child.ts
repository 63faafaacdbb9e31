// One contender, one scenario, in a fresh process (started by bench/run.ts): warm up, then
// latency at concurrency 1 and throughput at concurrency 64 against the parent's server. Each
// round of every contender gets its own process, so none inherits another's heap or JIT state.
import { contenders, type Scenario } from './contenders.js';
import { latency, throughput } from './measure.js';

const [scenario, name, origin, latencyCalls, throughputCalls, concurrency] = process.argv.slice(2);
const call = await contenders[name!]!(scenario as Scenario, origin!);
await throughput(call, 2000, Number(concurrency)); // warm up: JIT, sockets, validators
const lat = await latency(call, Number(latencyCalls));
const cpuBefore = process.cpuUsage();
const c64 = await throughput(call, Number(throughputCalls), Number(concurrency));
const cpu = process.cpuUsage(cpuBefore);
// CPU time (this process's threads, GC included) per call: what a call costs the client,
// whatever the neighbours of this shared machine take from the wall clock meanwhile.
process.stdout.write(JSON.stringify({ ...lat, c64_per_s: c64, c64_cpu_us: (cpu.user + cpu.system) / Number(throughputCalls) }));
process.exit(0); // keep-alive sockets would hold the process open
