'use strict';

// `node bench/profile-summary.js <file.cpuprofile> [top]`: self time of a CPU profile by package and by function,
// idle time left out. Profiles come from `BENCH_CPU_PROF=<dir> node bench/run.js ...` (one per measured call).
const fs = require('fs');
const path = require('path');

const PACKAGE_DIR = path.resolve(__dirname, '..');
// Idle time, and the inspector's own 'dispatch' (serializing the profile when it stops).
const NOT_WORK = new Set(['(idle)', '(program)', 'dispatch']);

function packageOf(url, functionName) {
	if (!url) return `(${functionName})`;
	const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
	if (inModules) return inModules[1];
	// The bench runs a snapshot of the package from a temporary directory (snapshot.js).
	if (/\/dist\/(nodes|credentials)\//.test(url)) return 'this package (dist/)';
	if (url.includes(`${PACKAGE_DIR}/test/`)) return 'test harness';
	if (url.includes(`${PACKAGE_DIR}/bench/`)) return 'bench';
	if (url.startsWith('node:')) return 'node core';
	return url;
}

function summarizeProfile(profile) {
	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const selfMicros = new Map();
	profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
	const byPackage = new Map();
	const byFunction = new Map();
	let total = 0;
	for (const [id, micros] of selfMicros) {
		const { functionName, url, lineNumber } = nodes.get(id).callFrame;
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

function main() {
	const [file, top = '20'] = process.argv.slice(2);
	if (!file) throw new Error('usage: node bench/profile-summary.js <file.cpuprofile> [top]');
	const { total, byPackage, byFunction } = summarizeProfile(JSON.parse(fs.readFileSync(file, 'utf8')));
	const lines = (map) =>
		[...map]
			.sort((a, b) => b[1] - a[1])
			.slice(0, Number(top))
			.map(([name, micros]) => `${(micros / 1000).toFixed(1).padStart(9)} ms  ${name}`);
	process.stdout.write(
		[`busy (non-idle) self time: ${(total / 1000).toFixed(1)} ms`, '', 'by package:', ...lines(byPackage), '', 'by function:', ...lines(byFunction), ''].join('\n'),
	);
}

if (require.main === module) main();

module.exports = { summarizeProfile };
