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

function matchSegments(compiled: CompiledRoute, pathSegments: string[]): Record<string, string> | undefined {
	if (compiled.segments.length !== pathSegments.length) return undefined;
	const params: Record<string, string> = {};
	for (let index = 0; index < pathSegments.length; index += 1) {
		const expected = compiled.segments[index];
		const actual = pathSegments[index];
		if (expected.startsWith(':')) {
			if (!actual) return undefined;
			try {
				params[expected.slice(1)] = decodeURIComponent(actual);
			} catch {
				params[expected.slice(1)] = actual;
			}
		} else if (expected !== actual) {
			return undefined;
		}
	}
	return params;
}

export interface Router {
	add(route: Route): Router;
	addAll(list: readonly Route[]): Router;
	match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined;
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
			let best: { candidate: CompiledRoute; params: Record<string, string> } | undefined;
			for (const candidate of compiled) {
				if (candidate.route.method !== method && !(method === 'HEAD' && candidate.route.method === 'GET')) continue;
				const params = matchSegments(candidate, pathSegments);
				if (params && (!best || candidate.staticCount > best.candidate.staticCount)) best = { candidate, params };
			}
			return best && { route: best.candidate.route, params: best.params };
		},
		get routes() {
			return compiled.map((entry) => entry.route);
		},
	};
	return router.addAll(routes);
}
