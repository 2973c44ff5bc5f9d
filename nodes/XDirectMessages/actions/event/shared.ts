import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	buildEventQuery,
	DM_EVENT_FIELDS,
	DM_EXPANSIONS,
	MEDIA_FIELDS,
	TWEET_FIELDS,
	USER_FIELDS,
} from '../../../shared/descriptions';
import { includesFor, resolveIncludes } from '../../../shared/includes';
import { invalidParameter } from '../../../shared/validation';

/** Reads a multi-select that an expression may also fill with an array or a comma-separated string. */
export function readChoices(
	this: IExecuteFunctions,
	name: string,
	displayName: string,
	allowed: string[],
	itemIndex: number,
): string[] {
	const value = this.getNodeParameter(name, itemIndex, []) as unknown;
	const choices =
		typeof value === 'string'
			? value.split(',').map((entry) => entry.trim()).filter(Boolean)
			: Array.isArray(value)
				? value.map((entry) => String(entry).trim())
				: [];
	const unknown = choices.find((choice) => !allowed.includes(choice));
	if (unknown !== undefined) {
		throw invalidParameter(
			this,
			itemIndex,
			`${displayName}: "${unknown}" is not one of the values X accepts`,
			`Allowed: ${allowed.join(', ')}.`,
		);
	}
	return choices;
}

/** Reads the field pickers shared by event Get and Get Many into X query parameters. */
export function readEventQuery(this: IExecuteFunctions, itemIndex: number, eventTypes?: string[]): IDataObject {
	return buildEventQuery({
		eventTypes,
		dmEventFields: readChoices.call(this, 'dmEventFields', 'Event Fields', DM_EVENT_FIELDS, itemIndex),
		expansions: readChoices.call(this, 'expansions', 'Expansions', DM_EXPANSIONS, itemIndex),
		userFields: readChoices.call(this, 'userFields', 'User Fields', USER_FIELDS, itemIndex),
		tweetFields: readChoices.call(this, 'tweetFields', 'Tweet Fields', TWEET_FIELDS, itemIndex),
		mediaFields: readChoices.call(this, 'mediaFields', 'Media Fields', MEDIA_FIELDS, itemIndex),
	});
}

/** One output object per event: includes resolved inline, or the referenced raw includes attached. */
export function shapeEvents(
	this: IExecuteFunctions,
	events: IDataObject[],
	includes: IDataObject | undefined,
	itemIndex: number,
): IDataObject[] {
	const resolve = this.getNodeParameter('resolveIncludes', itemIndex, true) !== false;
	if (resolve) return resolveIncludes(events, includes);
	return events.map((event) => {
		const referenced = includesFor(event, includes);
		return Object.keys(referenced).length ? { ...event, includes: referenced } : { ...event };
	});
}
