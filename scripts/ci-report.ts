// What .ci/run and e2e/ci.sh print at the end, from the files the run left in test-results/:
//   tsx scripts/ci-report.ts stages               the time of each stage (stages.tsv, written by .ci/stages.sh)
//   tsx scripts/ci-report.ts matrix               the per-version e2e table: n8n x Node x suite, pass/fail, times;
//                                                 also written to test-results/matrix.md and matrix.json
//   tsx scripts/ci-report.ts count <label> [jest.json...]
//                                                 `<label>: N passed, M failed` over the given jest results plus
//                                                 every runtime's e2e results (e2e-runtimes.txt)
// A missing or unreadable results file counts as one failure (that run never reported), and so does a run that failed
// without a failing test (a test file that could not run, a failed global setup).
import fs from 'node:fs';
import path from 'node:path';

const RESULTS_DIR = 'test-results';
// `<n8n version>-node<major>`, or a variant of such a runtime: `<n8n version>-node<major>-<variant>`.
const RUNTIME_ID = /^(\d+\.\d+\.\d+)-node(\d+)(?:-(.+))?$/;

interface JestJson {
	success: boolean;
	numPassedTests: number;
	numFailedTests: number;
	numRuntimeErrorTestSuites: number;
	testResults: Array<{ name: string; status: string; assertionResults: Array<{ status: string }> }>;
}

interface Count {
	passed: number;
	failed: number;
}

function readJest(file: string): JestJson | undefined {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as JestJson;
	} catch {
		return undefined;
	}
}

export function countResults(file: string): Count {
	const results = readJest(file);
	if (!results) return { passed: 0, failed: 1 };
	const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
	return { passed: results.numPassedTests, failed: failed === 0 && !results.success ? 1 : failed };
}

interface Stage {
	name: string;
	seconds: number;
	exitCode: number;
}

function readStages(): Stage[] {
	const file = path.join(RESULTS_DIR, 'stages.tsv');
	if (!fs.existsSync(file)) return [];
	return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
		const [name, seconds, exitCode] = line.split('\t');
		return { name, seconds: Number(seconds), exitCode: Number(exitCode) };
	});
}

const duration = (seconds: number | undefined): string =>
	(seconds === undefined ? '-' : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`);

/** The runtimes e2e/ci.sh set out to run, in its order. */
function e2eRuntimes(): string[] {
	const file = path.join(RESULTS_DIR, 'e2e-runtimes.txt');
	return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').map((line) => line.trim()).filter(Boolean) : [];
}

const e2eFile = (runtime: string): string => path.join(RESULTS_DIR, `e2e-${runtime}.json`);

export interface MatrixRow {
	runtime: string;
	n8n: string;
	node: string;
	/** Per suite (file name without .e2e.ts): passed and failed tests; absent = not run on this version. */
	suites: Record<string, Count>;
	passed: number;
	failed: number;
	installSeconds?: number;
	testSeconds?: number;
	result: 'pass' | 'FAIL';
}

export function matrixRows(runtimes = e2eRuntimes(), stages = readStages()): MatrixRow[] {
	const secondsOf = (name: string): number | undefined => stages.filter((stage) => stage.name === name).at(-1)?.seconds;
	return runtimes.map((runtime) => {
		const [, version = runtime, node = '?', variant] = RUNTIME_ID.exec(runtime) ?? [];
		const n8n = variant ? `${version} (${variant})` : version;
		const results = readJest(e2eFile(runtime));
		const suites: Record<string, Count> = {};
		for (const suite of results?.testResults ?? []) {
			const name = path.basename(suite.name).replace(/\.e2e\.ts$/, '');
			const passed = suite.assertionResults.filter((test) => test.status === 'passed').length;
			// A suite that failed to run at all (setup error) has no failed assertions: count it as one failure.
			const failed = suite.assertionResults.filter((test) => test.status === 'failed').length || (suite.status === 'failed' ? 1 : 0);
			suites[name] = { passed, failed };
		}
		const { passed, failed } = countResults(e2eFile(runtime));
		return {
			runtime, n8n, node, suites, passed, failed,
			installSeconds: secondsOf(`install n8n ${runtime}`),
			testSeconds: secondsOf(`e2e n8n ${runtime}`),
			result: failed === 0 ? 'pass' : 'FAIL',
		};
	});
}

export function matrixTable(rows: MatrixRow[]): string {
	const suiteNames = [...new Set(rows.flatMap((row) => Object.keys(row.suites)))].sort();
	const cell = (count: Count | undefined): string => (count ? `${count.failed ? 'FAIL' : 'pass'} ${count.passed}/${count.passed + count.failed}` : 'not run');
	const lines = [
		['n8n', 'Node', ...suiteNames, 'result', 'install', 'tests'],
		...rows.map((row) => [row.n8n, row.node, ...suiteNames.map((suite) => cell(row.suites[suite])), `${row.result} (${row.passed} passed, ${row.failed} failed)`, duration(row.installSeconds), duration(row.testSeconds)]),
	];
	const widths = lines[0].map((_, column) => Math.max(...lines.map((line) => line[column].length)));
	const format = (line: string[]): string => `| ${line.map((text, column) => text.padEnd(widths[column])).join(' | ')} |`;
	return [format(lines[0]), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...lines.slice(1).map(format)].join('\n');
}

function printStages(): void {
	const stages = readStages();
	console.log('\nStage times:');
	for (const stage of stages) console.log(`  ${stage.name.padEnd(32)} ${duration(stage.seconds).padStart(7)}${stage.exitCode ? `  (exit ${stage.exitCode})` : ''}`);
}

function printMatrix(): void {
	const rows = matrixRows();
	const table = matrixTable(rows);
	console.log(`\ne2e per n8n version:\n${table}`);
	fs.mkdirSync(RESULTS_DIR, { recursive: true });
	fs.writeFileSync(path.join(RESULTS_DIR, 'matrix.md'), `${table}\n`);
	fs.writeFileSync(path.join(RESULTS_DIR, 'matrix.json'), JSON.stringify(rows, null, 2));
}

function printCount(label: string, files: string[]): void {
	const counts = [...files, ...e2eRuntimes().map(e2eFile)].map(countResults);
	const total = counts.reduce((sum, count) => ({ passed: sum.passed + count.passed, failed: sum.failed + count.failed }), { passed: 0, failed: 0 });
	console.log(`${label}: ${total.passed} passed, ${total.failed} failed`);
}

if (require.main === module) {
	const [command, label, ...files] = process.argv.slice(2);
	if (command === 'stages') printStages();
	else if (command === 'matrix') printMatrix();
	else if (command === 'count' && label) printCount(label, files);
	else throw new Error('usage: tsx scripts/ci-report.ts stages | matrix | count <label> [jest.json...]');
}
