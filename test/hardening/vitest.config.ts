import { serverSuiteConfig } from '../server-suite-config';

/**
 * `npm run test:hardening`: bad inputs, overload, crash and privacy checks against real production
 * servers (shared build via test/rekognition/app-server). Kept out of test:unit because it starts servers.
 */
export default serverSuiteConfig('test/hardening/**/*.spec.ts', { testTimeout: 120_000, hookTimeout: 600_000 });
