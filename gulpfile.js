'use strict';
const { src, dest, task } = require('gulp');

// tsc emits only JavaScript; n8n loads node and credential icons from dist at their source-relative paths.
task('build:icons', () =>
	src(['icons/**/*.{png,svg}', 'nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist')),
);
