import type { INode, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { toNodeError } from '../shared/errors';
import { isXApiFailure } from '../shared/transport';

/**
 * X's reasons for refusing a webhook (x-activity-api.md §8.2, §8.6) and what the user can do about each. X names the
 * reason at the start of its error message; the words here add where to fix it.
 */
const WEBHOOK_REFUSALS: Record<string, (url: string) => string> = {
	UrlValidationFailed: (url) =>
		`X accepts only a public https URL without a port, at most 200 characters; n8n's webhook URL is "${url}". Set the WEBHOOK_URL environment variable of n8n to its public https address (e.g. https://n8n.example.com/, port 443 behind a reverse proxy or tunnel) and activate the workflow again.`,
	DuplicateUrlFailed: () =>
		'Your X app already has a webhook for this URL. Activate the workflow again: the trigger then finds and re-uses it.',
	WebhookLimitExceeded: () =>
		'Your X app has as many webhooks as X allows (pay-per-use apps: 1). Every active workflow with this trigger needs one, and so does a test run in the editor: deactivate another workflow that uses it, stop listening for test events, or delete unused webhooks of the app.',
	CrcValidationFailed: (url) =>
		`X checked the URL "${url}" (a GET with a crc_token) and did not get the right answer in time. Check that this URL reaches n8n from the internet (WEBHOOK_URL), and that the credential's API Key Secret belongs to the same X app as its API Key.`,
	WebhookIdInvalid: () => 'X does not know the webhook any more (deleted outside n8n). Activate the workflow again to register a new one.',
	SubscriptionLimitExceeded: () =>
		'Your X app has as many Activity subscriptions as its plan allows. Deactivate workflows you do not need or delete unused subscriptions.',
	ReplayConflictError: () => 'A replay job is already running for this webhook; X delivers its events shortly.',
	QueryParamInvalid: () => 'X refused the time window: it replays at most the last 24 hours.',
};

/** The reason name X gave in a failure's body, if it is one of the known ones. */
export function refusalReason(error: unknown): string | undefined {
	if (!isXApiFailure(error) || !('body' in error.failure)) return undefined;
	const text = JSON.stringify(error.failure.body);
	return Object.keys(WEBHOOK_REFUSALS).find((reason) => text.includes(reason));
}

/** The node error for a failure of the webhook lifecycle: X's reason and what to do, when X named one. */
export function lifecycleError(node: INode, error: unknown, url: string): NodeApiError | NodeOperationError {
	const nodeError = toNodeError(node, error);
	const reason = refusalReason(error);
	if (reason === undefined) return nodeError;
	nodeError.message = `X refused: ${reason} (${nodeError.message})`;
	nodeError.description = WEBHOOK_REFUSALS[reason](url);
	return nodeError;
}
