import { ensureProductionBuild, startApp } from '../test/rekognition/app-server';
import { buildTinyGallery } from '../test/rekognition/tiny-gallery';

/** Local engine instance: the "AWS" the second instance talks to. */
export const LOCAL_PORT = 3210;
/** RECOGNIZER=rekognition instance under test in the browser. */
export const REKOGNITION_PORT = 3211;

/**
 * Playwright global setup: one production build, a tiny gallery, then two app instances: the first with
 * the local engine, the second with RECOGNIZER=rekognition and AWS_ENDPOINT_URL_REKOGNITION pointing at
 * the first. Returns the teardown that stops both.
 */
export default async function startRekognitionStack(): Promise<() => Promise<void>> {
  ensureProductionBuild();
  const localDataDir = '/tmp/cf-rekognition/e2e-local';
  await buildTinyGallery(localDataDir);
  // Production closes /api/rekognition without keys (docs/rekognition.md): the first instance checks the
  // signatures the second one's SDK makes with this pair.
  const local = await startApp(LOCAL_PORT, { RECOGNIZER: 'local', DATA_DIR: localDataDir, REKOGNITION_ACCESS_KEY_ID: 'AKIDE2ELOCAL', REKOGNITION_SECRET_ACCESS_KEY: 'e2e-local-secret' });
  try {
    const viaSdk = await startApp(REKOGNITION_PORT, {
      RECOGNIZER: 'rekognition',
      DATA_DIR: '/tmp/cf-rekognition/e2e-rekognition',
      AWS_ENDPOINT_URL_REKOGNITION: `${local.baseUrl}/api/rekognition`,
      AWS_REGION: 'us-east-1',
      // The pair the first instance checks signatures with.
      AWS_ACCESS_KEY_ID: 'AKIDE2ELOCAL',
      AWS_SECRET_ACCESS_KEY: 'e2e-local-secret',
      AWS_PROFILE: '',
    });
    return async () => {
      await viaSdk.stop();
      await local.stop();
    };
  } catch (error) {
    await local.stop();
    throw error;
  }
}
