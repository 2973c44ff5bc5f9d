// Global teardown of `npm run test:e2e`: stops any n8n a suite left running (each suite stops its own in afterAll)
// and says where this run's n8n logs and databases are.
import { WORK_DIR } from './lib/paths';
import { killLeftoverN8n } from './lib/n8n';
import { log } from './lib/run';

export default async function globalTeardown(): Promise<void> {
	const killed = killLeftoverN8n();
	if (killed.length) log(`stopped n8n processes left running: ${killed.join(', ')}`);
	log(`n8n logs and databases of this run: ${WORK_DIR}`);
}
