// Global setup of `npm run test:e2e`, once for all suites: builds the package, installs the selected n8n runtime
// (N8N_VERSION, e2e/lib/runtimes.ts) when it is missing (the first run takes a few minutes) and packs the package that
// each suite installs into its own n8n.
import fs from 'node:fs';
import path from 'node:path';
import { WORK_DIR } from './lib/paths';
import { buildPackage, ensureRuntime, packPackage } from './lib/runtime';
import { log, writeE2eRun } from './lib/run';
import { selectedRuntime } from './lib/runtimes';

export default async function globalSetup(): Promise<void> {
	const startedAt = Date.now();
	const progress = (message: string): void => log(message, startedAt);
	// Only the last run's folders are kept (n8n logs and databases, for looking into failures).
	fs.rmSync(WORK_DIR, { recursive: true, force: true });
	fs.mkdirSync(WORK_DIR, { recursive: true });

	process.stderr.write('\n');
	const runtime = selectedRuntime();
	progress(`n8n ${runtime.n8nVersion} on Node ${runtime.nodeMajor} (e2e/runtimes/${runtime.folder}${runtime.variant ? `, ${runtime.variant.description}: ${JSON.stringify(runtime.variant.env)}` : ''})`);
	progress('building the package (npm run build)');
	await buildPackage();
	await ensureRuntime({ runtime, log: progress });
	const tarball = await packPackage(path.join(WORK_DIR, 'pack'));
	progress(`packed ${path.basename(tarball)}`);
	writeE2eRun({ startedAt, tarball });
}
