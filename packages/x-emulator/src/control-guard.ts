// Who may drive the control API. It can reset the world and hand out every token, so a page in the user's browser
// must not reach it: not by a cross-site request (a form or fetch from another origin), and not by DNS rebinding
// (a host name of the attacker's that resolves to 127.0.0.1, which makes the browser treat the emulator as the
// attacker's own origin). Every control request must be addressed to a loopback name (or the configured listen
// host) with the emulator's port, must not come from another origin, and a POST must carry a JSON body, which a
// browser sends cross-site only after a CORS preflight the emulator never approves.
import type { RequestContext } from './context';
import * as responses from './responses';

const WILDCARD_HOSTS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '[::]']);
// Same-origin requests and those a user typed or bookmarked; browsers send Sec-Fetch-Site on every request.
const OWN_FETCH_SITES: ReadonlySet<string> = new Set(['same-origin', 'none']);

function isLoopbackName(hostname: string): boolean {
	return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** `name[:port]` of a Host header or an origin, lowercased; the port defaults to 80. */
function splitHost(value: string): { hostname: string; port: number } | undefined {
	const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
	if (!match) return undefined;
	return { hostname: match[1].toLowerCase(), port: match[2] === undefined ? 80 : Number(match[2]) };
}

interface ListenAddress {
	host: string;
	port: number | undefined;
}

function isOwnHost(value: string, listen: ListenAddress): boolean {
	const parsed = splitHost(value);
	if (!parsed || parsed.port !== listen.port) return false;
	const configured = listen.host.toLowerCase();
	const listensOn = WILDCARD_HOSTS.has(configured) ? undefined : configured.includes(':') && !configured.startsWith('[') ? `[${configured}]` : configured;
	return isLoopbackName(parsed.hostname) || parsed.hostname === listensOn;
}

function isOwnOrigin(origin: string, listen: ListenAddress): boolean {
	const match = /^http:\/\/([^/]+)$/i.exec(origin.trim());
	return Boolean(match && isOwnHost(match[1], listen));
}

function refuse(status: number, error: string): responses.Reply {
	return responses.json(status, { error });
}

function headerText(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value.join(',') : value;
}

/** The refusal for a control request that may come from a browser page of another site, else undefined. */
export function refuseForeignControl(ctx: RequestContext, listen: ListenAddress): responses.Reply | undefined {
	const host = headerText(ctx.headers.host) ?? '';
	if (!isOwnHost(host, listen)) {
		return refuse(403, `control requests must be addressed to a loopback host with port ${listen.port} (got Host: ${host || 'none'})`);
	}
	const origin = headerText(ctx.headers.origin);
	if (origin !== undefined && !isOwnOrigin(origin, listen)) return refuse(403, `control requests from another origin are refused (Origin: ${origin})`);
	const fetchSite = headerText(ctx.headers['sec-fetch-site']);
	if (fetchSite !== undefined && !OWN_FETCH_SITES.has(fetchSite.toLowerCase())) {
		return refuse(403, `control requests from another origin are refused (Sec-Fetch-Site: ${fetchSite})`);
	}
	if (ctx.method === 'POST' && mediaType(ctx) !== 'application/json') {
		return refuse(415, 'control POSTs need content-type: application/json');
	}
	return undefined;
}

function mediaType(ctx: RequestContext): string {
	return String(headerText(ctx.headers['content-type']) ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
}
