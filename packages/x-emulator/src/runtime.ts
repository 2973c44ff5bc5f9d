// Everything one emulator owns: options, clock, state, faults, request log, rate limiter, routes and the loaded
// spec. Internal to the package: the server and the route handlers see it as ctx.emulator; the public Emulator
// class wraps it.
import { BillingMeter } from './billing';
import type { Route } from './context';
import { createClock, type Clock } from './clock';
import { seedDemo, type DemoInfo } from './demo-data';
import { createFaults, type Faults } from './faults';
import * as media from './media';
import { oauthRoutes } from './oauth-routes';
import { isActivityPath, loadActivityApi, type Api } from './openapi-loader';
import { DEFAULT_OPTIONS, START_ONLY_OPTIONS, isSettingName, type EmulatorOptions, type EmulatorSettings } from './options';
import { appTokenRoutes } from './push/app-token';
import { replayRoutes } from './push/replay';
import { PushService } from './push/service';
import { streamRoutes } from './push/stream-routes';
import { subscriptionRoutes } from './push/subscription-routes';
import { webhookRoutes } from './push/webhook-routes';
import { createRateLimiter, type RateLimiter, type RateLimitProfile } from './rate-limits';
import { createRequestLog, type RequestLog } from './request-log';
import { createRouter, type Router } from './router';
import { dmRoutes } from './routes/dm';
import { dmMediaRoutes } from './routes/dm-media';
import { specRoutes } from './routes/spec';
import { userRoutes } from './routes/users';
import { createState, type State } from './state';
import { EmulatorError } from './store';
import type { ResponseViolation } from './types';
import { loadApi } from './validation';

const ROUTES: readonly Route[] = [
	...dmRoutes,
	...dmMediaRoutes,
	...userRoutes,
	...specRoutes,
	...oauthRoutes,
	...media.routes,
	...webhookRoutes,
	...subscriptionRoutes,
	...replayRoutes,
	...appTokenRoutes,
	...streamRoutes,
];

export class Runtime {
	readonly host: string;
	readonly requestedPort: number;
	port: number | undefined;
	readonly options: EmulatorSettings;
	readonly clock: Clock;
	readonly faults: Faults = createFaults();
	readonly requestLog: RequestLog = createRequestLog();
	readonly router: Router = createRouter(ROUTES);
	readonly rateLimiter: RateLimiter;
	/** X's pay-per-use meter (billing.ts). */
	readonly billing = new BillingMeter();
	/** Webhooks, subscriptions and deliveries (src/push). Set in the constructor. */
	readonly push: PushService;
	/** Set by resetState(). */
	state!: State;
	responseViolations: ResponseViolation[] = [];
	/** What handlers threw that was not a Reply (each one became a 500). */
	internalErrors: unknown[] = [];
	demo: DemoInfo | undefined;
	private loadedApi: Api | undefined;
	private loadedActivityApi: Api | undefined;

	constructor({ port = 0, host = '127.0.0.1', now, ...options }: EmulatorOptions = {}) {
		this.host = host;
		this.requestedPort = port;
		const unknown = Object.keys(options).filter((name) => !isSettingName(name));
		if (unknown.length) throw new EmulatorError(`unknown option ${unknown.join(', ')}`);
		const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
		this.options = { ...DEFAULT_OPTIONS, ...given };
		this.clock = createClock({ now });
		this.rateLimiter = createRateLimiter({ clock: this.clock, profile: this.options.rateLimitProfile });
		this.push = new PushService(this);
		this.resetState();
	}

	/** Fresh state (re-seeded when seed is 'demo') and empty violation/error lists. */
	resetState(): void {
		this.state = createState(this.clock);
		this.responseViolations = [];
		this.internalErrors = [];
		this.demo = this.options.seed === 'demo' ? seedDemo(this.state, this.clock) : undefined;
		this.state.onMessageCreated = (event) => void this.push.onMessageCreated(event);
	}

	/** The spec as openapi-backend loaded it; available once the emulator started. */
	get api(): Api {
		if (!this.loadedApi) throw new Error('the emulator has not started');
		return this.loadedApi;
	}

	async loadApi(): Promise<Api> {
		this.loadedApi = await loadApi();
		this.loadedActivityApi = await loadActivityApi();
		return this.loadedApi;
	}

	/** The document a /2 path is validated against: the Activity/Webhooks one for its paths, else the DM one. */
	apiFor(requestPath: string): Api {
		if (!isActivityPath(requestPath)) return this.api;
		if (!this.loadedActivityApi) throw new Error('the emulator has not started');
		return this.loadedActivityApi;
	}

	setRateLimitProfile(nameOrObject: RateLimitProfile): void {
		this.rateLimiter.setProfile(nameOrObject);
		this.options.rateLimitProfile = nameOrObject;
	}

	/** Sets one option by name; `undefined` restores the default. Values are taken as given. */
	setOption(name: string, value: unknown): void {
		if (START_ONLY_OPTIONS.includes(name)) throw new EmulatorError(`${name} can only be set when the emulator starts`);
		if (!isSettingName(name)) throw new EmulatorError(`unknown option ${name}`);
		const effective = value === undefined ? DEFAULT_OPTIONS[name] : value;
		// The rate-limit profile is checked by the limiter (unknown names throw); other values are stored as given.
		if (name === 'rateLimitProfile') this.setRateLimitProfile(effective as RateLimitProfile);
		else Object.assign(this.options, { [name]: effective });
		if (name === 'crcIntervalMs') this.push.armCrcTimer();
		if (name === 'pushSeed') this.push.reseed();
	}

	/** Fresh state, no faults, empty logs, new rate-limit windows. Options and clock stay. */
	reset(): void {
		this.faults.clear();
		this.requestLog.clear();
		this.rateLimiter.reset();
		this.rateLimiter.usageCap.clear();
		this.billing.reset();
		this.push.reset();
		this.resetState();
	}
}
