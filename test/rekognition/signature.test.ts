import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { AwsError } from '@/lib/rekognition-endpoint/aws-error';
import { verifySignature, type SignedRequest } from '@/lib/rekognition-endpoint/signature';

const credentials = { accessKeyId: 'AKIDCELEBFINDER', secretAccessKey: 'the-right-secret' };
const body = JSON.stringify({ Id: '1XY2Z' });

/** Signs the request the way the AWS SDK does (same signer package), returning what the server receives. */
async function signedRequest(
  secretAccessKey: string,
  signingDate = new Date(),
  sentBody = body,
  applyChecksum = true,
): Promise<SignedRequest> {
  const signer = new SignatureV4({
    applyChecksum,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey },
    region: 'us-east-1',
    service: 'rekognition',
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 3201,
      path: '/api/rekognition/',
      headers: {
        host: '127.0.0.1:3201',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'RekognitionService.GetCelebrityInfo',
      },
      body,
    }),
    { signingDate },
  );
  return {
    method: 'POST',
    url: new URL('http://127.0.0.1:3201/api/rekognition/'),
    headers: new Headers(signed.headers as Record<string, string>),
    body: new TextEncoder().encode(sentBody),
  };
}

async function refusal(request: SignedRequest, accepted = credentials): Promise<AwsError> {
  const error = await verifySignature(request, accepted).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(AwsError);
  return error as AwsError;
}

describe('verifySignature', () => {
  it('accepts a request signed with the configured secret', async () => {
    await expect(verifySignature(await signedRequest(credentials.secretAccessKey), credentials)).resolves.toBeUndefined();
  });

  it('accepts a request signed without x-amz-content-sha256, as the AWS CLI sends them', async () => {
    const request = await signedRequest(credentials.secretAccessKey, new Date(), body, false);
    expect(request.headers.has('x-amz-content-sha256')).toBe(false);
    await expect(verifySignature(request, credentials)).resolves.toBeUndefined();
    const tampered = await signedRequest(credentials.secretAccessKey, new Date(), JSON.stringify({ Id: 'other1' }), false);
    expect((await refusal(tampered)).type).toBe('InvalidSignatureException');
  });

  it('refuses a wrong secret with 403 InvalidSignatureException', async () => {
    const error = await refusal(await signedRequest('a-wrong-secret'));
    expect([error.type, error.status]).toEqual(['InvalidSignatureException', 403]);
  });

  it('refuses a body changed after signing', async () => {
    const error = await refusal(await signedRequest(credentials.secretAccessKey, new Date(), JSON.stringify({ Id: 'other1' })));
    expect(error.type).toBe('InvalidSignatureException');
  });

  it('refuses a signature older than 15 minutes', async () => {
    const error = await refusal(await signedRequest(credentials.secretAccessKey, new Date(Date.now() - 20 * 60_000)));
    expect(error.message).toMatch(/expired/i);
  });

  it('refuses an unknown key or no Authorization with 403 UnrecognizedClientException', async () => {
    const request = await signedRequest(credentials.secretAccessKey);
    const unknownKey = await refusal(request, { ...credentials, accessKeyId: 'AKIDOTHER' });
    expect(unknownKey.type).toBe('UnrecognizedClientException');
    request.headers.delete('authorization');
    const missing = await refusal(request);
    expect([missing.type, missing.status]).toEqual(['UnrecognizedClientException', 403]);
  });
});
