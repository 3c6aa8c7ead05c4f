import { serverSuiteConfig } from '../server-suite-config';

/**
 * `npm run test:contract`: the AWS SDK against a running production build. Kept out of test:unit because
 * it builds and starts the app (one shared build; a five-person gallery).
 */
export default serverSuiteConfig('test/rekognition/**/*.spec.ts', { testTimeout: 60_000, hookTimeout: 900_000 });
