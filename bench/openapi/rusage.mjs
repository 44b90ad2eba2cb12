// Preloaded into a measured `new-service` process (node --import): at exit it writes its own peak RSS
// and CPU time to the file PAYKIT_RUSAGE_FILE names, so the bench needs no external `time` tool.
import { writeFileSync } from 'node:fs';

const file = process.env.PAYKIT_RUSAGE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
  });
}
