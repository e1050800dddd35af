// The real transport with every command's Slurm program name recorded (how many squeue/sacct a
// poll costs). The only wrapper the session suites put around the real ssh2 transport.
import type { Transport } from '../../src/transport/types';

export function countingTransport(inner: Transport, commands: string[]): Transport {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'exec') {
        return (argv: readonly string[], opts?: unknown) => {
          // The Slurm command is the first argv element that is not `env` or an assignment.
          commands.push(argv.find((a) => a !== 'env' && !a.includes('=')) ?? argv[0]);
          return target.exec(argv, opts as never);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
