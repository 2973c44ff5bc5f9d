// Summaries and the printed table. Every figure is kept as {median, min, max} over the repetitions.

export interface Summary {
	median: number;
	min: number;
	max: number;
	n: number;
}

export type Unit = 'x' | 'ms' | 'MB' | 'kB' | '';

export interface Row {
	scenario: string;
	metric: string;
	unit: Unit;
	summary: Summary;
}

export interface Target {
	name: string;
	value: number;
	unit: Unit;
	limit: number;
	comparison: '<=' | '==';
}

export interface JudgedTarget extends Target {
	pass: boolean;
}

export function summarize(values: number[]): Summary {
	const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
	if (sorted.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
	const middle = Math.floor(sorted.length / 2);
	const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

export function median(values: number[]): number {
	return summarize(values).median;
}

export const MB = 1024 * 1024;

export function formatValue(value: number, unit: Unit): string {
	if (!Number.isFinite(value)) return '-';
	if (unit === 'x') return `${value.toFixed(2)}x`;
	if (unit === 'ms') return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(2)} ms`;
	if (unit === 'MB') return `${(value / MB).toFixed(1)} MB`;
	if (unit === 'kB') return `${(value / 1000).toFixed(1)} kB`;
	return String(Math.round(value * 100) / 100);
}

function pad(text: string, width: number, right = false): string {
	const value = String(text);
	if (value.length >= width) return value;
	return right ? value.padStart(width) : value.padEnd(width);
}

/** rows: [{ scenario, metric, unit, summary }] -> fixed-width text table. */
export function formatTable(rows: Row[]): string {
	const header = ['scenario', 'metric', 'median', 'min', 'max'];
	const cells = rows.map((row) => [
		row.scenario,
		row.metric,
		formatValue(row.summary.median, row.unit),
		formatValue(row.summary.min, row.unit),
		formatValue(row.summary.max, row.unit),
	]);
	const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column].length)));
	const line = (cell: string[]): string => cell.map((text, column) => pad(text, widths[column], column >= 2)).join('  ');
	return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(line)].join('\n');
}

/** targets: [{ name, value, unit, limit, comparison: '<=' | '==', pass }] -> PASS/MISS lines. */
export function formatTargets(targets: JudgedTarget[]): string {
	const width = Math.max(...targets.map((target) => target.name.length));
	return targets
		.map((target) => {
			const measured = formatValue(target.value, target.unit);
			const limit = formatValue(target.limit, target.unit);
			return `${target.pass ? 'PASS' : 'MISS'}  ${pad(target.name, width)}  ${measured} (target ${target.comparison} ${limit})`;
		})
		.join('\n');
}
