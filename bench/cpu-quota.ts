/**
 * A CPU quota for one process, as a node of its own would give it: a Linux control group with
 * a CFS quota (cgroup v2 `cpu.max`, or v1 `cpu.cfs_quota_us`), which the process and every
 * thread and child it has or starts are moved into. Needs root and a writable cpu controller;
 * `cpuQuotaSupport()` says why not when there is none, so that a benchmark can say so instead of
 * measuring something else.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PERIOD_US = 100_000;

interface Hierarchy {
  root: string;
  version: 1 | 2;
}

function hierarchy(): Hierarchy | string {
  const v2 = '/sys/fs/cgroup';
  try {
    if (readFileSync(join(v2, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('cpu'))
      return { root: v2, version: 2 };
  } catch {
    // Not a cgroup v2 root: look for v1's cpu controller.
  }
  const v1 = '/sys/fs/cgroup/cpu';
  if (existsSync(join(v1, 'cpu.cfs_quota_us'))) return { root: v1, version: 1 };
  return 'this machine has no cgroup cpu controller (neither /sys/fs/cgroup/cpu.max nor /sys/fs/cgroup/cpu/cpu.cfs_quota_us)';
}

/** undefined when quotas work here, else why not. */
export function cpuQuotaSupport(): string | undefined {
  const found = hierarchy();
  if (typeof found === 'string') return found;
  const probe = join(found.root, `gantry-bench-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return undefined;
  } catch (err) {
    return `cannot create a control group under ${found.root} (${(err as Error).message}); run as root`;
  }
}

export interface CpuQuota {
  /** Moves a process (with its threads) into the group. */
  add(pid: number): void;
  /** Removes the group (its processes must have exited). */
  remove(): void;
}

/** A new control group limited to `cores` (e.g. 0.25 = a quarter of one core). */
export function cpuQuota(name: string, cores: number): CpuQuota {
  const found = hierarchy();
  if (typeof found === 'string') throw new Error(found);
  const group = join(found.root, `${name}-${process.pid}`);
  mkdirSync(group, { recursive: true });
  const quota = Math.round(cores * PERIOD_US);
  if (found.version === 2) {
    writeFileSync(join(group, 'cpu.max'), `${quota} ${PERIOD_US}`);
  } else {
    writeFileSync(join(group, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(join(group, 'cpu.cfs_quota_us'), String(quota));
  }
  return {
    add: (pid) => writeFileSync(join(group, 'cgroup.procs'), String(pid)),
    remove: () => {
      try {
        rmdirSync(group);
      } catch {
        // Still busy (a process had not exited yet): the kernel keeps an empty group harmlessly.
      }
    },
  };
}
