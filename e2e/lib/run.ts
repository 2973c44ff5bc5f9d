// What the e2e run's global setup prepares once for all suites (the packed package), handed to the suites through a
// file in the run's work directory: jest runs the global setup and the suites in separate module registries.
import fs from 'node:fs';
import path from 'node:path';
import { WORK_DIR } from './paths';

export interface E2eRun {
	startedAt: number;
	/** The package as `npm pack` made it, installed into each suite's n8n like a community package. */
	tarball: string;
}

const RUN_FILE = path.join(WORK_DIR, 'run.json');

export function writeE2eRun(run: E2eRun): void {
	fs.writeFileSync(RUN_FILE, JSON.stringify(run, null, 2));
}

export function e2eRun(): E2eRun {
	if (!fs.existsSync(RUN_FILE)) throw new Error(`${RUN_FILE} is missing: run the suites with \`npm run test:e2e\` (its global setup builds and packs the package)`);
	return JSON.parse(fs.readFileSync(RUN_FILE, 'utf8')) as E2eRun;
}

/** A progress line on stderr, with the seconds since the run started: `[e2e 12.3 s] message`. */
export function log(message: string, startedAt = fs.existsSync(RUN_FILE) ? e2eRun().startedAt : undefined): void {
	const elapsed = startedAt === undefined ? '' : ` ${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
	process.stderr.write(`[e2e${elapsed}] ${message}\n`);
}
