// `tsx scripts/test-summary.ts <label> <jest.json>...`: one line `<label>: N passed, M failed` over the results that
// `jest --json --outputFile` wrote. A missing or unreadable file counts as one failure (that suite never reported),
// and so does a run that failed without a failing test (a test file that could not run, a failed global setup).
import fs from 'node:fs';

interface JestJson {
	success: boolean;
	numPassedTests: number;
	numFailedTests: number;
	numRuntimeErrorTestSuites: number;
}

export function countResults(file: string): { passed: number; failed: number } {
	let results: JestJson;
	try {
		results = JSON.parse(fs.readFileSync(file, 'utf8')) as JestJson;
	} catch {
		return { passed: 0, failed: 1 };
	}
	const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
	return { passed: results.numPassedTests, failed: failed === 0 && !results.success ? 1 : failed };
}

if (require.main === module) {
	const [label, ...files] = process.argv.slice(2);
	if (!label || !files.length) throw new Error('usage: tsx scripts/test-summary.ts <label> <jest.json>...');
	const total = files.map(countResults).reduce((sum, count) => ({ passed: sum.passed + count.passed, failed: sum.failed + count.failed }));
	console.log(`${label}: ${total.passed} passed, ${total.failed} failed`);
}
