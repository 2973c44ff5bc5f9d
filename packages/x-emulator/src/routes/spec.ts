// GET /2/openapi.json: the live API serves its spec without authentication; the emulator serves the vendored subset.
import * as fs from 'node:fs';
import type { PlainRoute } from '../context';
import type { Reply } from '../responses';
import { SPEC_PATH } from '../validation';

function serveSpec(): Reply {
	return { status: 200, body: fs.readFileSync(SPEC_PATH), contentType: 'application/json; charset=utf-8' };
}

export const specRoutes: PlainRoute[] = [{ method: 'GET', path: '/2/openapi.json', raw: true, handler: serveSpec }];
