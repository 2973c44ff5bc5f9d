// What n8n pays before the first execution: loading the compiled modules in a fresh process, and the npm tarball.
import { spawnSync } from 'node:child_process';
import { PACKAGE_DIR } from './snapshot';

export const MODULES = {
	action: './dist/nodes/XDirectMessages/XDirectMessages.node.js',
	trigger: './dist/nodes/XDirectMessagesTrigger/XDirectMessagesTrigger.node.js',
};
type ModuleName = keyof typeof MODULES;
// n8n itself has n8n-workflow loaded before it loads community nodes: that part is the baseline.
const BASELINE = "require('n8n-workflow')";
// In-process figure: time of the require() alone, in a fresh process that has loaded n8n-workflow. This is the
// same difference as (module process - baseline process) without the noise of process start and of n8n-workflow's
// own ~300 ms load, which on a shared machine swamps a 10-30 ms difference.
const IN_PROCESS =
	"require('n8n-workflow');const t=process.hrtime.bigint();require(process.argv[1]);" +
	'process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';

function runNode(args: string[], cwd: string): { ms: number; stdout: string } {
	const started = process.hrtime.bigint();
	const outcome = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	if (outcome.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${outcome.stderr}`);
	return { ms, stdout: outcome.stdout };
}

export interface ColdLoad {
	wall: Record<ModuleName | 'baseline', number[]>;
	requireMs: Record<ModuleName, number[]>;
}

/**
 * Fresh processes, interleaved so that drift hits all alike: the baseline, then each module. A module process also
 * reports its require() time, so its wall time and its in-process time come from the same run.
 * Returns per-round wall times and in-process require times (ms).
 */
export function measureColdLoad(rounds: number, packageDir = PACKAGE_DIR): ColdLoad {
	const wall: ColdLoad['wall'] = { baseline: [], action: [], trigger: [] };
	const requireMs: ColdLoad['requireMs'] = { action: [], trigger: [] };
	for (let round = 0; round < rounds; round++) {
		wall.baseline.push(runNode(['-e', BASELINE], packageDir).ms);
		for (const [name, modulePath] of Object.entries(MODULES) as Array<[ModuleName, string]>) {
			const { ms, stdout } = runNode(['-e', IN_PROCESS, modulePath], packageDir);
			wall[name].push(ms);
			requireMs[name].push(Number(stdout));
		}
	}
	return { wall, requireMs };
}

export interface PackFigures {
	size: number;
	unpackedSize: number;
	entryCount: number;
	largest: Array<{ path: string; size: number }>;
}

/** `npm pack --dry-run --json`: tarball size, unpacked size and file count. */
export function measurePack(packageDir = PACKAGE_DIR): PackFigures {
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const outcome = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: packageDir,
		encoding: 'utf8',
	});
	if (outcome.status !== 0) throw new Error(`npm pack --dry-run failed: ${outcome.stderr}`);
	const [pack] = JSON.parse(outcome.stdout) as Array<Omit<PackFigures, 'largest'> & { files: PackFigures['largest'] }>;
	const largest = [...pack.files].sort((a, b) => b.size - a.size).slice(0, 5);
	return { size: pack.size, unpackedSize: pack.unpackedSize, entryCount: pack.entryCount, largest };
}
