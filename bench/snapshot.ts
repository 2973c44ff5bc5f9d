// The bench measures a private copy of the package as npm would pack it (node_modules linked back), so that a
// rebuild of dist/ while the bench runs (`npm test` starts with one) cannot break or mix up the measurements.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PACKAGE_DIR = path.resolve(__dirname, '..');

// npm always packs these from the package root, whatever `files` says.
const ALWAYS_PACKED = /^(readme|license|licence|changelog)(\..*)?$/i;

/** Copies what `npm pack` would take (package.json, `files`, README/LICENSE) and links node_modules back. */
export function createSnapshot(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-dm-bench-'));
	const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as { files?: string[] };
	const entries = new Set(['package.json', ...(manifest.files ?? ['dist'])]);
	for (const name of fs.readdirSync(PACKAGE_DIR)) if (ALWAYS_PACKED.test(name)) entries.add(name);
	for (const entry of entries) {
		const source = path.join(PACKAGE_DIR, entry);
		if (fs.existsSync(source)) fs.cpSync(source, path.join(dir, entry), { recursive: true });
	}
	fs.symlinkSync(path.join(PACKAGE_DIR, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
	return dir;
}

export function removeSnapshot(dir: string): void {
	fs.rmSync(dir, { recursive: true, force: true });
}
