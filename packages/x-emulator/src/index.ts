// x-dm-emulator: a local X API v2 Direct Messages emulator (see README.md). This is the package's whole public API.
export { Emulator, startEmulator } from './emulator';
export { DEFAULT_OPTIONS, type EmulatorOptions, type EmulatorSettings } from './options';
export { EmulatorError } from './store';
export type { BilledKind, BillingDay, BillingView } from './billing';
export type { Clock } from './clock';
export type { DemoInfo } from './demo-data';
export type { GroupLimits, RateLimitProfile, RateLimitProfileName, UsageCap } from './rate-limits';
export type { OAuth1App, OAuth2Client } from './state';
export type { DeliveryView, ReplayJobState, ReplayJobView, SubscriptionFilter, SubscriptionView, WebhookView } from './push/records';
export type { EventUuidStyle } from './push/payloads';
export type { StreamFaultKind, StreamFaultSpec, StreamView } from './push/stream';
export type {
	AttachmentInput,
	ConversationView,
	DmEventRecord,
	DmPolicy,
	EmulatorUser,
	EventsQuery,
	FaultSpec,
	FaultView,
	IssueOAuth1TokenInput,
	IssueOAuth2TokenInput,
	MediaState,
	MediaView,
	OAuth1AppInput,
	OAuth1Permission,
	OAuth2ClientInput,
	RequestLogEntry,
	ResponseViolation,
	SendAsInput,
	UserInput,
	UserPatch,
	UserProfile,
} from './types';
export type * from './x-types';
