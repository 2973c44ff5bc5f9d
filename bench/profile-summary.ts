// `tsx bench/profile-summary.ts <file.cpuprofile> [top]`: self time of a CPU profile by package and by function,
// idle time left out. Profiles come from `BENCH_CPU_PROF=<dir> tsx bench/run.ts ...` (one per measured call).
import fs from 'node:fs';
import { PACKAGE_DIR } from './snapshot';

// Idle time, and the inspector's own 'dispatch' (serializing the profile when it stops).
const NOT_WORK = new Set(['(idle)', '(program)', 'dispatch']);

/** The parts of a V8 CPU profile (.cpuprofile) read here. */
interface CpuProfile {
	nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
	samples: number[];
	timeDeltas: number[];
}

function packageOf(url: string, functionName: string): string {
	if (!url) return `(${functionName})`;
	const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
	if (inModules) return inModules[1];
	// The bench runs a snapshot of the package from a temporary directory (snapshot.ts).
	if (/\/dist\/(nodes|credentials)\//.test(url)) return 'this package (dist/)';
	if (url.includes(`${PACKAGE_DIR}/test/`)) return 'test harness';
	if (url.includes(`${PACKAGE_DIR}/bench/`)) return 'bench';
	if (url.startsWith('node:')) return 'node core';
	return url;
}

export function summarizeProfile(profile: CpuProfile): { total: number; byPackage: Map<string, number>; byFunction: Map<string, number> } {
	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const selfMicros = new Map<number, number>();
	profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
	const byPackage = new Map<string, number>();
	const byFunction = new Map<string, number>();
	let total = 0;
	for (const [id, micros] of selfMicros) {
		const node = nodes.get(id);
		if (!node) continue;
		const { functionName, url, lineNumber } = node.callFrame;
		if (NOT_WORK.has(functionName)) continue;
		total += micros;
		const pkg = packageOf(url, functionName);
		byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
		const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^.*\/(dist\/(nodes|credentials)\/)/, '$1')}:${lineNumber + 1}` : '';
		const key = `${functionName || '(anonymous)'} ${where}`;
		byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
	}
	return { total, byPackage, byFunction };
}

function main(): void {
	const [file, top = '20'] = process.argv.slice(2);
	if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
	const { total, byPackage, byFunction } = summarizeProfile(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile);
	const lines = (map: Map<string, number>): string[] =>
		[...map]
			.sort((a, b) => b[1] - a[1])
			.slice(0, Number(top))
			.map(([name, micros]) => `${(micros / 1000).toFixed(1).padStart(9)} ms  ${name}`);
	process.stdout.write(
		[`busy (non-idle) self time: ${(total / 1000).toFixed(1)} ms`, '', 'by package:', ...lines(byPackage), '', 'by function:', ...lines(byFunction), ''].join('\n'),
	);
}

if (require.main === module) main();
