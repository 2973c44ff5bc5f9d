import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { buildEventQuery, readEventFieldChoices } from '../../../shared/event-query';
import { shapeEvents } from '../../../shared/includes';
import type { DmEvent, XIncludes } from '../../../shared/models';
import { parseChoices } from '../../../shared/lists';
import { validateId } from '../../../shared/validation';
import { compactEvents, isToolRun } from '../tool';

export function readEventId(this: IExecuteFunctions, itemIndex: number): string {
	return validateId(this, this.getNodeParameter('eventId', itemIndex, ''), 'Event ID', itemIndex, 'event ID');
}

/** Reads a multi-select that an expression may also fill with an array or a comma-separated string. */
export function readChoices(
	this: IExecuteFunctions,
	name: string,
	displayName: string,
	allowed: string[],
	itemIndex: number,
): string[] {
	return parseChoices(this, this.getNodeParameter(name, itemIndex, []), displayName, allowed, itemIndex);
}

/** Reads the field pickers shared by event Get and Get Many into X query parameters. */
export function readEventQuery(this: IExecuteFunctions, itemIndex: number, eventTypes?: string[]): IDataObject {
	const choices = readEventFieldChoices(this, (name) => this.getNodeParameter(name, itemIndex, []), itemIndex);
	return buildEventQuery({ eventTypes, ...choices });
}

/** One output object per event, shaped as the "Resolve Includes" parameter asks; compact for an AI agent. */
export function eventOutput(
	this: IExecuteFunctions,
	events: DmEvent[],
	includes: XIncludes,
	itemIndex: number,
): IDataObject[] {
	if (isToolRun(this)) return compactEvents(events, includes);
	return shapeEvents(events, includes, this.getNodeParameter('resolveIncludes', itemIndex, true) !== false);
}
