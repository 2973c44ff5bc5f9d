// Minimal method + path router: `:name` segments capture one path segment; the candidate with the most static
// segments wins, so /2/users/me beats /2/users/:id.
import type { Route } from './context';

interface CompiledRoute {
	route: Route;
	segments: string[];
	staticCount: number;
}

function compile(route: Route): CompiledRoute {
	const segments = route.path.split('/').filter(Boolean);
	return {
		route,
		segments,
		staticCount: segments.filter((segment) => !segment.startsWith(':')).length,
	};
}

/** A path parameter whose %-encoding does not decode (e.g. `%ZZ`, or `%E0` without its continuation bytes). */
export interface MalformedParam {
	name: string;
	value: string;
}

interface SegmentMatch {
	params: Record<string, string>;
	malformed?: MalformedParam;
}

function matchSegments(compiled: CompiledRoute, pathSegments: string[]): SegmentMatch | undefined {
	if (compiled.segments.length !== pathSegments.length) return undefined;
	const params: Record<string, string> = {};
	let malformed: MalformedParam | undefined;
	for (let index = 0; index < pathSegments.length; index += 1) {
		const expected = compiled.segments[index];
		const actual = pathSegments[index];
		if (expected.startsWith(':')) {
			if (!actual) return undefined;
			const name = expected.slice(1);
			try {
				params[name] = decodeURIComponent(actual);
			} catch {
				params[name] = actual;
				malformed ??= { name, value: actual };
			}
		} else if (expected !== actual) {
			return undefined;
		}
	}
	return { params, malformed };
}

export interface RouteMatch {
	route: Route;
	params: Record<string, string>;
	/** The first path parameter that is not valid %-encoding; the request is a client error. */
	malformed?: MalformedParam;
}

export interface Router {
	add(route: Route): Router;
	addAll(list: readonly Route[]): Router;
	match(method: string, path: string): RouteMatch | undefined;
	readonly routes: Route[];
}

export function createRouter(routes: readonly Route[] = []): Router {
	const compiled: CompiledRoute[] = [];
	const router: Router = {
		add(route) {
			if (!route || !route.method || !route.path || typeof route.handler !== 'function') {
				throw new Error(`invalid route ${JSON.stringify(route && { method: route.method, path: route.path })}`);
			}
			compiled.push(compile(route));
			return router;
		},
		addAll(list) {
			list.forEach((route) => router.add(route));
			return router;
		},
		match(method, path) {
			const pathSegments = path.split('/').filter(Boolean);
			let best: { candidate: CompiledRoute; found: SegmentMatch } | undefined;
			for (const candidate of compiled) {
				if (candidate.route.method !== method && !(method === 'HEAD' && candidate.route.method === 'GET')) continue;
				const found = matchSegments(candidate, pathSegments);
				if (found && (!best || candidate.staticCount > best.candidate.staticCount)) best = { candidate, found };
			}
			return best && { route: best.candidate.route, ...best.found };
		},
		get routes() {
			return compiled.map((entry) => entry.route);
		},
	};
	return router.addAll(routes);
}
