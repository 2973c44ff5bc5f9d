'use strict';

// GET /2/openapi.json: the live API serves its spec without authentication; the emulator serves the vendored subset.
const fs = require('fs');
const { SPEC_PATH } = require('../validation');

function serveSpec() {
	return { status: 200, body: fs.readFileSync(SPEC_PATH), contentType: 'application/json; charset=utf-8' };
}

module.exports = [{ method: 'GET', path: '/2/openapi.json', raw: true, handler: serveSpec }];
