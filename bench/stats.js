'use strict';

// Summaries and the printed table. Every figure is kept as {median, min, max} over the repetitions.

function summarize(values) {
	const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
	if (sorted.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
	const middle = Math.floor(sorted.length / 2);
	const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

function median(values) {
	return summarize(values).median;
}

const MB = 1024 * 1024;

function formatValue(value, unit) {
	if (!Number.isFinite(value)) return '-';
	if (unit === 'x') return `${value.toFixed(2)}x`;
	if (unit === 'ms') return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(2)} ms`;
	if (unit === 'MB') return `${(value / MB).toFixed(1)} MB`;
	if (unit === 'kB') return `${(value / 1000).toFixed(1)} kB`;
	return String(Math.round(value * 100) / 100);
}

function pad(text, width, right = false) {
	const value = String(text);
	if (value.length >= width) return value;
	return right ? value.padStart(width) : value.padEnd(width);
}

/** rows: [{ scenario, metric, unit, summary }] -> fixed-width text table. */
function formatTable(rows) {
	const header = ['scenario', 'metric', 'median', 'min', 'max'];
	const cells = rows.map((row) => [
		row.scenario,
		row.metric,
		formatValue(row.summary.median, row.unit),
		formatValue(row.summary.min, row.unit),
		formatValue(row.summary.max, row.unit),
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column].length)));
	const line = (cell) => cell.map((text, column) => pad(text, widths[column], column >= 2)).join('  ');
	return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(line)].join('\n');
}

/** targets: [{ name, value, unit, limit, comparison: '<=' | '==', pass }] -> PASS/MISS lines. */
function formatTargets(targets) {
	const width = Math.max(...targets.map((target) => target.name.length));
	return targets
		.map((target) => {
			const measured = formatValue(target.value, target.unit);
			const limit = formatValue(target.limit, target.unit);
			return `${target.pass ? 'PASS' : 'MISS'}  ${pad(target.name, width)}  ${measured} (target ${target.comparison} ${limit})`;
		})
		.join('\n');
}

module.exports = { summarize, median, formatTable, formatTargets, formatValue, MB };
