// Injected failures. A fault matches by method and path (string prefix, RegExp, or — over HTTP — a string
// starting with "^" taken as a regular expression), is consumed once per match (`times`, default 1), and can:
// delay (`latencyMs`), reset the connection before the handler ran, after it took effect, or halfway through
// sending the response (`reset`), answer with its own `status`/`body`/`headers` instead of the handler, or only add
// `headers` to the real response.
import type { FaultSpec, FaultView } from './types';

const RESET_POINTS: readonly string[] = ['before', 'after', 'during'];

/** A fault as stored: its listed form, with the path kept as given and a matcher for it. */
export interface Fault extends Omit<FaultView, 'path'> {
	path?: string | RegExp;
	matchesPath: (path: string) => boolean;
}

function toPathMatcher(path: string | RegExp | undefined | null): (value: string) => boolean {
	if (path === undefined || path === null || path === '') return () => true;
	if (path instanceof RegExp) return (value) => path.test(value);
	if (typeof path === 'string' && path.startsWith('^')) {
		const pattern = new RegExp(path);
		return (value) => pattern.test(value);
	}
	return (value) => value.startsWith(String(path));
}

function normalizeFault(spec: FaultSpec): Fault {
	if (!spec || typeof spec !== 'object') throw new Error('addFault needs an object');
	const { method, path, pathRegex, status, body, headers, latencyMs, reset, times = 1 } = spec;
	if (reset !== undefined && !RESET_POINTS.includes(reset)) throw new Error("fault.reset must be 'before', 'after' or 'during'");
	if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599)) {
		throw new Error('fault.status must be an HTTP status code');
	}
	if (!(Number.isInteger(times) && times > 0) && times !== Infinity) throw new Error('fault.times must be a positive integer');
	const matched = pathRegex !== undefined ? new RegExp(pathRegex) : path;
	return {
		method: method ? String(method).toUpperCase() : undefined,
		path: matched,
		matchesPath: toPathMatcher(matched),
		status,
		body,
		headers,
		latencyMs,
		reset,
		remaining: times,
	};
}

export interface Faults {
	add(spec: FaultSpec): Fault;
	clear(): void;
	list(): FaultView[];
	/** Returns the first matching fault (consuming one use of it), or undefined. */
	take(method: string, path: string): Fault | undefined;
}

export function createFaults(): Faults {
	let list: Fault[] = [];
	return {
		add(spec) {
			const fault = normalizeFault(spec);
			list.push(fault);
			return fault;
		},
		clear() {
			list = [];
		},
		list() {
			return list.map((fault) => ({
				method: fault.method,
				path: fault.path instanceof RegExp ? String(fault.path) : fault.path,
				status: fault.status,
				body: fault.body,
				headers: fault.headers,
				latencyMs: fault.latencyMs,
				reset: fault.reset,
				remaining: fault.remaining,
			}));
		},
		take(method, path) {
			const fault = list.find((candidate) => (!candidate.method || candidate.method === method) && candidate.matchesPath(path));
			if (!fault) return undefined;
			fault.remaining -= 1;
			if (fault.remaining <= 0) list = list.filter((candidate) => candidate !== fault);
			return fault;
		},
	};
}
